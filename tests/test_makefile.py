"""`make test` on a fresh machine: a missing Chromium is installed (as root) or named with its command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "chromium", *args],
                          capture_output=True, text=True, timeout=60)


def test_a_missing_chromium_stops_with_the_command_to_run(tmp_path):
    run = _make(f"CHROMIUM={tmp_path / 'none'}", "USER_ID=1000")
    assert run.returncode != 0
    assert "run: sudo apt-get install -y chromium chromium-driver" in run.stderr


def test_as_root_a_missing_chromium_is_installed_with_apt(tmp_path):
    run = _make(f"CHROMIUM={tmp_path / 'none'}", "USER_ID=0", "APT_GET=echo apt-get")
    assert run.returncode == 0
    assert run.stdout.splitlines() == ["apt-get update", "apt-get install -y chromium chromium-driver"]


def test_a_present_chromium_needs_nothing(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    run = _make(f"CHROMIUM={fake}", "USER_ID=0", "APT_GET=false")
    assert run.returncode == 0 and run.stdout == ""
