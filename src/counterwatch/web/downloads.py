"""Exports to download (the viewer's view: public for visitors, the full register for editors) and the
ingest report of inputs that failed, as pages and API routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine

from counterwatch.exchange.formats import FORMATS
from counterwatch.query.viewer import Viewer
from counterwatch.store import jobs
from counterwatch.web.deps import bounded_int, engine
from counterwatch.web.render import page
from counterwatch.web.session import require, viewer

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["exchange"])


@api.get("/exports/{fmt}")
def get_export(fmt: str, db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> Response:
    """The register as a file: csv, ftm (FollowTheMoney JSON lines), geojson, gexf, graphml or dump.
    Visitors get the public register (accepted claims, protected persons redacted); editors all of it."""
    if fmt not in FORMATS:
        raise HTTPException(404, f"no export format {fmt!r}: one of {', '.join(FORMATS)}")
    found, scope = FORMATS[fmt], "public" if who.public else "full"
    return Response(found.export(db, who), media_type=found.media_type,
                    headers={"Content-Disposition": f'attachment; filename="counterwatch-{scope}.{found.extension}"'})


@api.get("/ingest-report")
def get_ingest_report(limit: int = bounded_int(200, 5000), db: Engine = Depends(engine),
                      user=Depends(require("editor"))) -> list[dict]:
    """Inputs whose job failed, newest first, with the reason (editors only: inputs name their senders)."""
    return jobs.failed(db, limit)


@pages.get("/exports", response_class=HTMLResponse)
def exportspage(request: Request, who: Viewer = Depends(viewer)):
    return page(request, "exports.html", formats=FORMATS, scope="public" if who.public else "full")


@pages.get("/ingest-report", response_class=HTMLResponse)
def ingest_reportpage(request: Request, db: Engine = Depends(engine), user=Depends(require("editor"))):
    return page(request, "ingest_report.html", failed=jobs.failed(db, 200))
