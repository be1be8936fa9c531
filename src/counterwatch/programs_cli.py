"""`counterwatch programs`: deployments told by several sources, resolved into one record per program.

A command group of its own (added to the main app in cli.py), so the resolution commands read as one
place: candidates with their reasons, judge or merge a pair, list merges, split one.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

programs_app = typer.Typer(help="Deployments resolved across sources: candidates, judgements, merge and split.",
                           no_args_is_help=True)
out = Console()
err = Console(stderr=True)
DatabaseOpt = Annotated[str | None, typer.Option("--database", envvar="COUNTERWATCH_DATABASE_URL",
                                                 help="SQLAlchemy URL (default: SQLite file in the data folder).")]


def _engine(database: str | None):
    from counterwatch.store import connect

    return connect(database)


@programs_app.command("candidates")
def candidates_cmd(
    limit: Annotated[int, typer.Option(min=1, help="How many pairs to list.")] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Pairs of deployments that may be one program, best first, with score and reasons."""
    from counterwatch.store.deployment_resolution import candidates

    found = candidates(_engine(database))[:limit]
    if as_json:
        print(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=2))
        return
    for c in found:
        out.print(f"{c.score:.2f}  {c.left_id} {c.left}  ~  {c.right_id} {c.right}  [dim]({'; '.join(c.reasons)})[/dim]",
                  highlight=False)


@programs_app.command("judge")
def judge_cmd(
    left: Annotated[int, typer.Argument(help="A deployment id.")],
    right: Annotated[int, typer.Argument(help="Another deployment id.")],
    judgement: Annotated[str, typer.Argument(help="positive (merge), negative (keep apart) or unsure")],
    editor: Annotated[str, typer.Option(help="Who judges.")] = "cli",
    database: DatabaseOpt = None,
) -> None:
    """Judge two deployments: positive merges them into one record, negative keeps them apart for good."""
    from counterwatch.store.deployment_resolution import DeploymentError, judge

    try:
        done = judge(_engine(database), left, right, judgement, editor)
    except DeploymentError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    out.print(f"{done['left_id']} ~ {done['right_id']}: {judgement}", highlight=False)


@programs_app.command("merge")
def merge_cmd(
    left: Annotated[int, typer.Argument(help="A deployment id.")],
    right: Annotated[int, typer.Argument(help="Another deployment id.")],
    editor: Annotated[str, typer.Option(help="Who merges.")] = "cli",
    database: DatabaseOpt = None,
) -> None:
    """Merge two deployments into one record (a positive judgement; `split` undoes it)."""
    judge_cmd(left, right, "positive", editor, database)


@programs_app.command("merges")
def merges_cmd(as_json: Annotated[bool, typer.Option("--json")] = False, database: DatabaseOpt = None) -> None:
    """Deployments merged into another, newest first: what `split` can undo."""
    from counterwatch.store.deployment_resolution import merges

    found = merges(_engine(database))
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for m in found:
        out.print(f"{m['id']} {m['name']}  ->  {m['into_id']} {m['into']}", highlight=False)


@programs_app.command("split")
def split_cmd(
    deployment_id: Annotated[int, typer.Argument(help="The merged deployment to make its own record again.")],
    editor: Annotated[str, typer.Option(help="Who splits.")] = "cli",
    database: DatabaseOpt = None,
) -> None:
    """Undo a merge; the pair is judged negative so no ingest merges it again."""
    from counterwatch.store.deployment_resolution import DeploymentError, split

    try:
        done = split(_engine(database), deployment_id, editor)
    except DeploymentError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    out.print(f"{done['id']} split from {done['from']}", highlight=False)
