"""The `counterwatch` command line."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.readers import iter_sources
from counterwatch.ingest.source import Source
from counterwatch.limits import LIMITS
from counterwatch.programs_cli import programs_app
from counterwatch.register import REGISTER

app = typer.Typer(help="Counterwatch: an evidence register of surveillance deployments.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)
DatabaseOpt = Annotated[str | None, typer.Option("--database", envvar="COUNTERWATCH_DATABASE_URL",
                                                 help="SQLAlchemy URL (default: SQLite file in the data folder).")]


def _one_of(names) -> str:
    """'a, b or c.' for an option's help (the register's vocabulary, never a copy of it)."""
    names = list(names)
    return (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)) + "."


@app.callback()
def main() -> None:
    """Counterwatch turns reports about surveillance programs into cited, reviewable records."""


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs.")],
    json_dir: Annotated[Path | None, typer.Option("--json-dir", help="Write DIR/<stem>.json per input.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary, only errors.")] = False,
) -> None:
    """Extract entities, deployments and relations, each with its certainty and exact quote."""
    from counterwatch.extract import Extractor, to_json

    started = time.perf_counter()
    extractor = Extractor()
    if json_dir:
        json_dir.mkdir(parents=True, exist_ok=True)
    failures = words = done = 0
    progress = Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}"), console=err, transient=True,
                        disable=not json_dir or quiet)
    with progress:
        task = progress.add_task("", total=None)
        for item in iter_sources(inputs):
            if isinstance(item, InputError):
                failures += 1
                err.print(f"[red]error[/red] {item}", highlight=False, soft_wrap=True)
                continue
            progress.update(task, description=item.stem)
            result = extractor(item)
            done += 1
            words += result.words
            data = to_json(result, item.stem)
            if json_dir:
                (json_dir / f"{item.stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
            elif not quiet:
                _summary(data)
            progress.advance(task)
    seconds = time.perf_counter() - started
    if not quiet:
        err.print(f"{done} source(s), {words} words in {seconds:.1f} s; {failures} failed", highlight=False)
    if failures:
        raise typer.Exit(1)


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs.")],
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Extraction processes (one model each).")] = 1,
    dask: Annotated[str | None, typer.Option("--dask", metavar="ADDRESS",
                                             help="Run on a Dask cluster (tcp://scheduler:8786); needs PostgreSQL.")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Extract and store sources with their claims; identical content is skipped."""
    from counterwatch.store import connect
    from counterwatch.pipeline.intake import finish, ingest as run_ingest

    engine = connect(database)
    progress = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}"), console=err, transient=True)
    with progress:
        task = progress.add_task("", total=None)

        def done(item: Source | InputError, outcome: str) -> None:
            if outcome == "failed":
                err.print(f"[red]error[/red] {item}", highlight=False, soft_wrap=True)
                return
            progress.update(task, description=item.stem, advance=1)

        if dask:
            from counterwatch.pipeline.cluster import ingest_on_cluster

            try:
                tally = dict(ingest_on_cluster(engine, iter_sources(inputs), dask, on_done=done))
            except ValueError as e:
                err.print(f"[red]error[/red] {e}", highlight=False)
                raise typer.Exit(2) from None
        else:
            tally = dict(run_ingest(engine, iter_sources(inputs), workers, on_done=done))
    tally["entities merged"] = finish(engine)
    err.print(", ".join(f"{v} {k}" for k, v in tally.items()), highlight=False)
    if tally.get("failed"):
        raise typer.Exit(1)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Counts of sources, entities, deployments, relations and claims by review status."""
    from counterwatch.store import connect
    from counterwatch.store.writer import stats as register_stats

    figures = register_stats(connect(database))
    if as_json:
        print(json.dumps(figures, sort_keys=True))
    else:
        for name, value in figures.items():
            out.print(f"{name:>18}: {value}", highlight=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find in claims and their quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    certainty: Annotated[str | None, typer.Option(help=_one_of(REGISTER.certainties))] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166 alpha-2 code of deployments.")] = None,
    technology: Annotated[str | None, typer.Option(help="Taxonomy id, e.g. face_recognition.")] = None,
    status: Annotated[str | None, typer.Option(help=_one_of(REGISTER.statuses))] = None,
    year: Annotated[int | None, typer.Option(help="Start year of deployments.")] = None,
    actor: Annotated[str | None, typer.Option(help=f"{_one_of(REGISTER.entity_fields)[:-1].capitalize()} name (part of it).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=LIMITS.page_size_max)] = 20,
    database: DatabaseOpt = None,
) -> None:
    """Ranked full-text search over the register, with highlighted quotes and their sources."""
    from counterwatch.query.search import QueryError, search as run_search
    from counterwatch.query.viewer import STAFF
    from counterwatch.store import connect

    try:
        hits = run_search(connect(database, statement_timeout_s=LIMITS.statement_timeout_s), STAFF, query, limit=limit,
                          certainty=certainty, country=country, technology=technology, status=status, year=year,
                          actor=actor)
    except QueryError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    for h in hits:
        out.print(f"[bold]{h.record_type} {h.record_id}[/bold] {h.name}  \\[{h.certainty}]", highlight=False)
        out.print(f"  “{h.snippet}” — {h.source_title or h.source_uri}", highlight=False, markup=False)


@app.command()
def show(
    record_type: Annotated[str, typer.Argument(help="deployment or entity")],
    record_id: Annotated[int, typer.Argument()],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOpt = None,
) -> None:
    """A record as its sources state it: each field with its quotes; conflicts flagged."""
    from counterwatch.query.records import show as show_record
    from counterwatch.query.viewer import STAFF
    from counterwatch.store import connect

    if record_type not in ("deployment", "entity"):
        raise typer.BadParameter("deployment or entity", param_hint="RECORD_TYPE")
    record = show_record(connect(database), STAFF, record_type, record_id)
    if record is None:
        err.print(f"no {record_type} {record_id}")
        raise typer.Exit(1)
    if as_json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return
    out.rule(f"{record_type} {record_id}: {record['name']}")
    for fld, values in record["fields"].items():
        flag = "  [red](conflict)[/red]" if fld in record["conflicts"] else ""
        out.print(f"[bold]{fld}[/bold]{flag}: " + "; ".join(v["value"] for v in values), highlight=False)


@app.command()
def train(
    corpus: Annotated[Path, typer.Option(help="annotated corpus folder (docs/, gold/)")] = Path("corpus"),
    shared: Annotated[Path, typer.Option(help="shared folder holding devset/score.py")] = Path("../shared"),
    folder: Annotated[Path | None, typer.Option("--out", help="model folder to write (default: the one extraction loads)")] = None,
    database: DatabaseOpt = None,
    feedback: Annotated[bool, typer.Option(help="also learn from the register's reviewed claims")] = False,
) -> None:
    """Retrain the extraction models (seeded) and print rules / before / after on the test split."""
    from counterwatch.extract.learned import default_model_dir, packaged_model_dir
    from counterwatch.learn.corpus import load
    from counterwatch.learn.scoring import table
    from counterwatch.learn.train import train as run_train

    target = folder or default_model_dir() or packaged_model_dir()
    extra = []
    if feedback:
        from counterwatch.learn.feedback import reviewed_documents
        from counterwatch.store import connect
        extra = reviewed_documents(connect(database))
    total = len(load(corpus)) + len(extra)  # parsing each document is the long part
    with Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err) as bar:
        task = bar.add_task("train", total=total)
        previous = None
        if target.exists() and (target / "manifest.json").exists():
            import shutil
            import tempfile
            previous = Path(tempfile.mkdtemp(prefix="counterwatch-model-"))
            shutil.copytree(target, previous, dirs_exist_ok=True)
        manifest = run_train(corpus, shared, target, extra=extra, previous=previous,
                             log=lambda m: bar.console.print(m), progress=lambda n: bar.advance(task, n))
        bar.update(task, completed=total)
    for split in ("test", "dev"):
        out.print(f"[bold]{split} split[/bold] ({manifest['corpus']['splits'][split]} documents)")
        out.print(table(manifest["scores"][split]))
    out.print(f"model {manifest['version']} written to {target}")


@app.command("review")
def review_claim(
    editor: Annotated[str, typer.Option(help="Who reviews.")],
    claim_id: Annotated[int | None, typer.Argument(help="One claim; without it, the interactive queue.")] = None,
    action: Annotated[str | None, typer.Argument(help="accept, reject or edit")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (required to reject).")] = None,
    value: Annotated[str | None, typer.Option(help="New value (edit).")] = None,
    order: Annotated[str, typer.Option(help="Queue order: source, or uncertainty (least sure model proposals first).")] = "source",
    database: DatabaseOpt = None,
) -> None:
    """Accept, edit or reject claims; every action is kept in the claim's history.

    Without CLAIM_ID: a queue of proposed claims, one at a time, with the quote they rest on.
    """
    from counterwatch.store import connect
    from counterwatch.store.review import ReviewError, review

    engine = connect(database)
    if claim_id is None:
        _review_queue(engine, editor, order)
        return
    try:
        rev = review(engine, claim_id, action or "", editor, reason=reason, value=value)
    except ReviewError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None
    out.print(f"claim {claim_id}: {rev.before_status} → {rev.after_status}", highlight=False)


def _review_queue(engine, editor: str, order: str) -> None:
    from rich.prompt import Prompt

    from counterwatch.store.review import ReviewError, proposed, review

    done = 0
    try:
        queue = proposed(engine, order=order)
    except ReviewError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None
    for claim in queue:
        out.rule(f"claim {claim['id']} · {claim['record_type']} {claim['record_name']}")
        sure = f"  model {claim['confidence']:.2f}" if claim["confidence"] is not None else ""
        out.print(f"[bold]{claim['field']}[/bold] = {claim['value']}  \\[{claim['certainty']}]{sure}", highlight=False)
        out.print(f"“{claim['quote']}”", highlight=False, markup=False)
        out.print(f"[dim]{claim['source_title']}  chars {claim['start']}–{claim['end']}[/dim]", highlight=False)
        choice = Prompt.ask("[a]ccept [e]dit [r]eject [s]kip [q]uit", choices=list("aersq"), default="s", console=out)
        if choice == "q":
            break
        if choice == "s":
            continue
        action = {"a": "accept", "e": "edit", "r": "reject"}[choice]
        value = Prompt.ask("new value", console=out) if action == "edit" else None
        reason = Prompt.ask("reason", default="" if action != "reject" else None, console=out) or None
        try:
            review(engine, claim["id"], action, editor, reason=reason, value=value)
            done += 1
        except ReviewError as exc:
            err.print(f"[red]error[/red] {exc}")
    out.print(f"{done} claim(s) reviewed", highlight=False)


@app.command()
def resolve(
    judge_pair: Annotated[tuple[int, int] | None, typer.Option("--judge", help="Two entity ids to judge.")] = None,
    judgement: Annotated[str, typer.Option(help="positive, negative or unsure")] = "positive",
    editor: Annotated[str, typer.Option(help="Who judges.")] = "cli",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    database: DatabaseOpt = None,
) -> None:
    """List candidate duplicate entities with scores and reasons, or judge a pair."""
    from dataclasses import asdict

    from counterwatch.store import connect
    from counterwatch.store.resolution import candidates, judge

    engine = connect(database)
    if judge_pair:
        judge(engine, *judge_pair, judgement=judgement, editor=editor)
        out.print(f"{judge_pair[0]} ~ {judge_pair[1]}: {judgement}")
        return
    found = candidates(engine)
    if as_json:
        print(json.dumps([asdict(c) for c in found], ensure_ascii=False, indent=2))
        return
    for c in found:
        out.print(f"{c.score:.2f}  {c.left_id} {c.left}  ~  {c.right_id} {c.right}  [dim]({c.reason})[/dim]", highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    open_editing: Annotated[bool, typer.Option("--open-editing", help="Every visitor edits (single user, localhost).")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Serve the web UI and the REST API (OpenAPI docs at /docs). Without --open-editing, visitors see the
    public register and editors log in (`counterwatch user add`)."""
    import uvicorn

    from counterwatch.store import connect
    from counterwatch.web.app import create_app

    out.print(f"Counterwatch at [bold]http://{host}:{port}/[/bold]  (API docs: /docs)")
    if open_editing and host not in ("127.0.0.1", "localhost", "::1"):
        raise typer.BadParameter("--open-editing only on a loopback address", param_hint="--host")
    uvicorn.run(create_app(connect(database, statement_timeout_s=LIMITS.statement_timeout_s), open_editing=open_editing), host=host, port=port, log_level="warning")


@app.command()
def path(
    start: Annotated[str, typer.Argument(help="An institution, company or person.")],
    goal: Annotated[str, typer.Argument(help="A program, agency or actor.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=12)] = 6,
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="How many paths.")] = 3,
    include_proposed: Annotated[bool, typer.Option("--include-proposed", help="Use unreviewed claims too.")] = False,
    include_denied: Annotated[bool, typer.Option("--include-denied", help="Use denied claims too.")] = False,
    database: DatabaseOpt = None,
) -> None:
    """How close is START to GOAL: the best paths, every hop a cited claim."""
    from counterwatch.query.paths import AmbiguousName, UnknownName, between
    from counterwatch.query.viewer import STAFF
    from counterwatch.store import connect

    try:
        answer = between(connect(database), STAFF.narrow(include_proposed), start, goal, k=k, max_hops=max_hops,
                         include_denied=include_denied)
    except (AmbiguousName, UnknownName) as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    found = answer["paths"]
    if as_json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    if not found:
        out.print(f"No path within {max_hops} hops" + ("" if include_proposed else " (accepted claims only; try --include-proposed)"))
        raise typer.Exit(1)
    for i, p in enumerate(found, 1):
        out.rule(f"path {i}: {p['hops']} hop(s)")
        for h in p["path"]:
            out.print(f"{h['source']} —{h['predicate']} \\[{h['certainty']}]→ {h['target']}", highlight=False)
            out.print(f"   “{h['quote'][:220]}” — {h['source_title']}", highlight=False, markup=False)


@app.command()
def exposure(
    actor: Annotated[str, typer.Argument(help="An institution, company or person.")],
    hops: Annotated[int, typer.Option("--hops", min=1, max=8)] = 3,
    fmt: Annotated[str, typer.Option("--format", help="md, html or pdf")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    include_proposed: Annotated[bool, typer.Option("--include-proposed")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Every deployment within N hops of ACTOR, with the evidence chain, for a committee."""
    from counterwatch.query import exposure as report
    from counterwatch.query import graph
    from counterwatch.query.paths import AmbiguousName, UnknownName, resolve
    from counterwatch.query.viewer import STAFF
    from counterwatch.store import connect

    g = graph.build(connect(database), STAFF.narrow(include_proposed))
    try:
        node = resolve(g, actor)
    except (AmbiguousName, UnknownName) as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    label, items = g.nodes[node]["label"], report.exposure(g, node, hops)
    if fmt == "pdf":
        if output is None:
            raise typer.BadParameter("a PDF needs --output FILE", param_hint="--output")
        report.to_pdf(report.to_html(label, hops, items), output)
        err.print(f"wrote {output}")
        return
    text = report.to_html(label, hops, items) if fmt == "html" else report.to_markdown(label, hops, items)
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        print(text)


@app.command("backup")
def backup_cmd(
    dest: Annotated[Path, typer.Argument(help="Backup file to write.")],
    database: DatabaseOpt = None,
) -> None:
    """Back up the register (SQLite online backup, or pg_dump)."""
    from counterwatch.store import database_url
    from counterwatch.store.backup import backup

    backup(database or database_url(), dest)
    out.print(f"backup written to {dest}")


@app.command("restore")
def restore_cmd(
    source: Annotated[Path, typer.Argument(help="Backup file written by `counterwatch backup`.")],
    database: DatabaseOpt = None,
) -> None:
    """Restore the register from a backup (replaces its content)."""
    from counterwatch.store import database_url
    from counterwatch.store.backup import restore

    if not source.is_file():
        err.print(f"[red]error[/red] {source}: no such backup file")
        raise typer.Exit(1)
    restore(source, database or database_url())
    out.print(f"restored from {source}")


user_app = typer.Typer(help="Accounts (admin, editor, viewer) and API tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(programs_app, name="programs")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option(help="admin, editor or viewer")] = "editor",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Create an account (the password is asked for, or read from stdin)."""
    import sys

    from counterwatch.store import connect
    from counterwatch.store.accounts import AccountError, add_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt(
        "password", hide_input=True, confirmation_prompt=True)
    try:
        add_user(connect(database), username, password, role)
    except AccountError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None
    out.print(f"user {username} ({role}) created")


@user_app.command("remove")
def user_remove(username: Annotated[str, typer.Argument()], database: DatabaseOpt = None) -> None:
    """Delete an account and its tokens."""
    from counterwatch.store.accounts import remove_user

    _account(remove_user, username, database)
    out.print(f"user {username} removed")


@user_app.command("token")
def user_token(username: Annotated[str, typer.Argument()], database: DatabaseOpt = None) -> None:
    """Create an API token (shown once; send it as `Authorization: Bearer TOKEN`)."""
    from counterwatch.store.accounts import new_token

    print(_account(new_token, username, database))


@user_app.command("role")
def user_role(username: Annotated[str, typer.Argument()], role: Annotated[str, typer.Argument(help="admin, editor or viewer")],
              database: DatabaseOpt = None) -> None:
    """Change an account's role (its browser sessions end)."""
    from counterwatch.store.accounts import set_role

    _account(lambda engine, who: set_role(engine, who, role), username, database)
    out.print(f"user {username} is now {role}")


@user_app.command("password")
def user_password(
    username: Annotated[str, typer.Argument()],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Set a new password (its browser sessions end)."""
    import sys

    from counterwatch.store.accounts import set_password

    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt(
        "password", hide_input=True, confirmation_prompt=True)
    _account(lambda engine, who: set_password(engine, who, password), username, database)
    out.print(f"password of {username} changed")


@user_app.command("tokens")
def user_tokens(username: Annotated[str, typer.Argument()], database: DatabaseOpt = None) -> None:
    """List an account's API tokens (ids and creation dates)."""
    from counterwatch.store.accounts import tokens

    for row in _account(tokens, username, database):
        out.print(f"{row['id']:>6}  {row['created_at']}", highlight=False)


@user_app.command("revoke-token")
def user_revoke_token(token_id: Annotated[int, typer.Argument(help="Id from `counterwatch user tokens`.")],
                      database: DatabaseOpt = None) -> None:
    """Revoke one API token: requests sending it get 401 from now on."""
    from counterwatch.store.accounts import revoke_token

    _account(lambda engine, _: revoke_token(engine, token_id, "cli"), "cli", database)
    out.print(f"token {token_id} revoked")


def _account(action, username: str, database: str | None):
    """Run an account action (engine, name); its errors become a one-line message and exit code 2."""
    from counterwatch.store import connect
    from counterwatch.store.accounts import AccountError

    try:
        return action(connect(database), username)
    except AccountError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def protect(
    entity_id: Annotated[int, typer.Argument(help="Id of a person entity.")],
    decision: Annotated[str, typer.Argument(help="yes (protect), no (may be named) or auto (follow the suggestion)")],
    editor: Annotated[str, typer.Option(help="Who decides.")] = "cli",
    database: DatabaseOpt = None,
) -> None:
    """Decide whether a person is protected in public pages, API responses and exports."""
    from counterwatch.store.accounts import set_protected

    if decision not in ("yes", "no", "auto"):
        raise typer.BadParameter("yes, no or auto", param_hint="DECISION")
    value = {"yes": True, "no": False, "auto": None}[decision]
    _account(lambda engine, who: set_protected(engine, entity_id, value, who), editor, database)
    out.print(f"person {entity_id}: protected = {decision}")


@app.command()
def audit(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(min=1)] = 100,
    database: DatabaseOpt = None,
) -> None:
    """The append-only audit log, newest first (who, what, before/after, when)."""
    from counterwatch.store import connect
    from counterwatch.store.audit import entries

    rows = entries(connect(database), limit)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        out.print(f"{r['at']}  {r['actor']:<10} {r['action']:<18} {r['target']}  {r['after'] or ''}", highlight=False)


@app.command("export")
def export_register(
    fmt: Annotated[str, typer.Option("--format", "-f", help="A format of exchange/formats.py by name (an unknown "
                                     "name lists them).")] = "dump",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: standard output).")] = None,
    public: Annotated[bool, typer.Option("--public", help="What the public sees: accepted claims and the records, "
                                         "actors and sources they support; protected persons redacted.")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Export the register: FollowTheMoney JSON lines, Atlas-style CSV, GeoJSON, GraphML/GEXF, full dump."""
    from counterwatch.exchange.formats import FORMATS, render
    from counterwatch.query.viewer import STAFF, public_viewer
    from counterwatch.store import connect

    if fmt not in FORMATS:
        raise typer.BadParameter(f"one of {', '.join(FORMATS)}", param_hint="--format")
    engine = connect(database)
    text = render(engine, public_viewer(engine) if public else STAFF, fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output} ({len(text)} characters)")
    else:
        print(text, end="")


@app.command("import")
def import_register(
    path: Annotated[Path, typer.Argument(help="A dump (.json), FollowTheMoney entities (.jsonl/.ftm) or Atlas-like CSV.")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="An importable format of exchange/formats.py "
                                            "by name (default: by the file's name).")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Import a register dump, FtM JSON lines or the CSV shape; imported files are kept as sources."""
    from counterwatch.exchange.formats import import_text, of_file
    from counterwatch.store import connect

    try:
        text = path.read_text(encoding="utf-8")
        imported = import_text(connect(database), fmt or of_file(str(path)).name, text, str(path))
    except (OSError, ValueError, KeyError) as exc:
        err.print(f"[red]error[/red] {path}: {exc}", highlight=False)
        raise typer.Exit(1) from None
    out.print(str(imported))


def _summary(data: dict) -> None:
    doc = data["document"]
    out.rule(f"[bold]{doc.get('title') or data['id']}")
    out.print(f"[dim]{doc.get('publisher') or ''} {doc.get('published') or ''}  sha256 {doc['sha256'][:12]}[/dim]")
    kinds = {}
    for e in data["entities"]:
        kinds.setdefault(e["type"], []).append(e["name"] + (f" ({', '.join(e['aliases'])})" if e["aliases"] else ""))
    for kind, names in kinds.items():
        out.print(f"[bold]{kind}s[/bold]: {'; '.join(names)}", highlight=False)
    for d in data["deployments"]:
        out.print(f"\n[bold cyan]{d['name']}[/bold cyan]  \\[{d['certainty']}] {d['status']}"
                  + (f" since {d['start']}" if d["start"] else ""), highlight=False)
        for field in (f.attribute for f in REGISTER.deployment.values() if f.attribute and not f.single):
            if d[field]:
                out.print(f"  {field}: {', '.join(d[field])}", highlight=False)
        for quote in d["evidence"][:3]:
            out.print(f"  [dim]“{quote[:200]}”[/dim]", highlight=False)
    if data["relations"]:
        out.print()
    for r in data["relations"]:
        out.print(f"  {r['subject']} —\\[{r['predicate']}, {r['certainty']}]→ {r['object']}: [dim]“{r['evidence'][:120]}”[/dim]",
                  highlight=False)


if __name__ == "__main__":
    app()
