"""The package order holds (pyproject.toml's import-linter contracts), and those contracts do break
on a package that violates them: a check that could pass vacuously would prove nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
VIOLATIONS = {  # fixture module -> the import that breaks one contract each
    "counterwatch.store": "import counterwatch.extract",  # the store above extraction
    "counterwatch.query": "import counterwatch.web",  # a reader above the web
    "counterwatch.store.writer": "import spacy",  # the store loading a language model
    "counterwatch.web.auth": "import counterwatch.web.pages",  # two route modules tied together
}


def _lint(config: Path, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache", str(config)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_package_order_holds():
    run = _lint(ROOT / "pyproject.toml", ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _contract_modules(contracts: list[dict]) -> set[str]:
    names = set(VIOLATIONS)
    for c in contracts:
        for entry in c.get("layers", []) + c.get("modules", []) + c.get("source_modules", []):
            names |= {m.strip() for m in entry.replace(":", "|").split("|")}
    return {n for n in names if n.startswith("counterwatch")}


def test_the_contracts_break_on_a_violating_package(tmp_path):
    """A stand-in `counterwatch` with every module the contracts name and one violating import per
    contract, checked with the project's own configuration: every contract must report it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    modules = _contract_modules(config["contracts"])
    for name in sorted(modules | {m.rsplit(".", 1)[0] for m in modules if "." in m}):
        folder = tmp_path.joinpath(*name.split("."))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text(VIOLATIONS.get(name, "") + "\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = _lint(tmp_path / "pyproject.toml", tmp_path, env)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{len(config['contracts'])} broken" in run.stdout, run.stdout
    for importer, statement in VIOLATIONS.items():
        assert f"{importer} -> {statement.split()[-1]}" in run.stdout, (importer, run.stdout)
