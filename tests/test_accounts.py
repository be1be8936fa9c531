"""Accounts, tokens and the audit log."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from counterwatch.cli import app
from counterwatch.ingest.source import Source
from counterwatch.store import store_extraction
from counterwatch.store.accounts import AccountError, add_user, allows, authenticate, new_token, user_for_token
from counterwatch.store.audit import entries
from counterwatch.store.review import review


def test_users_passwords_tokens_and_roles(engine):
    add_user(engine, "ana", "correct horse battery", "editor")
    with pytest.raises(AccountError):
        add_user(engine, "ana", "another long password", "viewer")
    with pytest.raises(AccountError):
        add_user(engine, "ben", "short", "viewer")
    assert authenticate(engine, "ana", "correct horse battery") == ("ana", "editor")
    assert authenticate(engine, "ana", "wrong password here") is None
    assert authenticate(engine, "nobody", "correct horse battery") is None
    token = new_token(engine, "ana")
    assert user_for_token(engine, token) == ("ana", "editor") and user_for_token(engine, token + "x") is None
    assert allows("editor", "editor") and allows("admin", "editor") and not allows("viewer", "editor")
    assert not allows(None, "viewer")


def test_audit_log_records_every_change(engine, extractor):
    src = Source(uri="a.txt", text="Police in Oslo use drones over protests, the city said.")
    store_extraction(engine, src, extractor(src), actor="ana")
    review(engine, 1, "reject", "ben", reason="not a deployment")
    log = entries(engine)
    assert [(e["actor"], e["action"]) for e in log][:2] == [("ben", "claim.reject"), ("ana", "source.store")]
    assert log[0]["before"]["status"] == "proposed" and log[0]["after"]["reason"] == "not a deployment"


def test_user_cli(engine):
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    r = runner.invoke(app, ["user", "add", "cleo", "--role", "admin", "--password-stdin", "--database", url],
                      input="a very long password\n")
    assert r.exit_code == 0, r.output
    token = runner.invoke(app, ["user", "token", "cleo", "--database", url]).output.strip()
    assert token.startswith("cw_") and user_for_token(engine, token) == ("cleo", "admin")
    assert runner.invoke(app, ["user", "remove", "cleo", "--database", url]).exit_code == 0
    assert user_for_token(engine, token) is None
    assert "user.remove" in runner.invoke(app, ["audit", "--json", "--database", url]).output
