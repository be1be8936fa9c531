"""Build the FastAPI application: one engine, page routes and `/api` routes, static files."""

from __future__ import annotations

import os
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.middleware.sessions import SessionMiddleware

from counterwatch.limits import LIMITS
from counterwatch.query.search import QueryError
from counterwatch.store import connect
from counterwatch.store.db import is_timeout
from counterwatch.web import api, auth, downloads, entities, pages, programs, session, workbench
from counterwatch.web.throttle import SlidingWindow

STATIC = Path(__file__).with_name("static")


LARGE_BODY = 2**20  # bodies over this count toward a client's upload budget; forms and JSON do not


class BodyLimit:
    """Refuse a request body over `limit` bytes with 413: declared (Content-Length) before it is read,
    or streamed (chunked) as soon as it passes the limit, so no upload grows the server's memory. A
    client past `per_minute` bytes of large bodies gets 429, also before its body is read: receiving and
    parsing a 10 MB multipart body takes the event loop 45-69 ms, which a flood of them fills."""

    def __init__(self, app, limit: int, per_minute: int) -> None:
        self.app, self.limit, self.per_minute = app, limit, per_minute
        self.recent = SlidingWindow(60)  # client -> bytes of large bodies

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        size = int(declared) if declared.isdigit() else None
        if size is None or size > self.limit:
            return await self._refuse(send)
        if size > LARGE_BODY and not self._within_budget((scope.get("client") or ("?",))[0], size):
            return await self._refuse(send, 429, f"upload budget of this client used: at most "
                                                 f"{self.per_minute / 2**20:.0f} MiB a minute, try again shortly")
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:  # a chunked body: the endpoint reading it answers 413
                raise HTTPException(413, f"request body too large (limit {self.limit / 2**20:.0f} MiB)")
            return message

        await self.app(scope, counted, send)

    def _within_budget(self, client: str, size: int) -> bool:
        if self.recent.total(client) + size > self.per_minute:
            return False
        self.recent.add(client, size)
        return True

    async def _refuse(self, send, status: int = 413, detail: str | None = None) -> None:
        """The refusal and the connection closed: kept open, the server went on reading (and dropping)
        the whole body the client still sent, tens of MiB through the event loop."""
        detail = detail or f"request body too large (limit {self.limit / 2**20:.0f} MiB)"
        await JSONResponse({"detail": detail}, status_code=status,
                           headers={"Connection": "close"})({"type": "http"}, None, send)


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """The extraction worker ends with the server (it was left running after `serve` stopped)."""
    yield
    if getattr(app.state, "worker", None) is not None:
        app.state.worker.close()


def create_app(engine: Engine | None = None, open_editing: bool = False, secret_key: str | None = None) -> FastAPI:
    """`open_editing` makes every visitor a local editor (single-user use on 127.0.0.1 only)."""
    app = FastAPI(title="Counterwatch", description="Evidence register of surveillance deployments: every field "
                  "is a claim of a source, with its quote and certainty.", version="0.1.0",
                  docs_url=None, redoc_url=None, lifespan=_lifespan)
    app.state.engine = engine or connect(statement_timeout_s=LIMITS.statement_timeout_s)
    app.state.open_editing = open_editing
    app.state.login_failures = SlidingWindow(auth.LOGIN_WINDOW_S)  # (client, user name) -> failed logins
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router, prefix="/api")
    app.include_router(workbench.api, prefix="/api")
    app.include_router(workbench.pages)
    app.include_router(downloads.api, prefix="/api")
    app.include_router(downloads.pages)
    app.include_router(entities.api, prefix="/api")
    app.include_router(entities.pages)
    app.include_router(programs.api, prefix="/api")
    app.include_router(auth.router)
    app.include_router(pages.router)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """One line naming the parameter; an id outside every table's range is a record not found."""
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or first["loc"][0]
        if first["loc"][0] == "path":
            return JSONResponse({"detail": f"no such record ({where} out of range)"}, status_code=404)
        return JSONResponse({"detail": f"{where}: {first['msg']}"}, status_code=400)

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(OperationalError)
    async def timed_out(request: Request, exc: OperationalError) -> JSONResponse:
        if not is_timeout(exc):
            raise exc
        return JSONResponse({"detail": "the query took too long and was stopped: narrow it down"}, status_code=503)

    @app.get("/docs", include_in_schema=False)
    def docs():
        """OpenAPI docs from the npm copy of swagger-ui: no CDN, works offline."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Counterwatch API",
                                   swagger_js_url="/static/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui.css")

    app.add_middleware(session.Identify)
    app.add_middleware(SecurityHeaders)  # outside Identify: its refusals carry the headers too
    app.add_middleware(BodyLimit, limit=LIMITS.upload_bytes + 64 * 1024,  # a file at the limit plus its form
                       per_minute=LIMITS.upload_bytes_per_minute)
    app.add_middleware(SessionMiddleware, secret_key=secret_key or os.environ.get("COUNTERWATCH_SECRET_KEY")
                       or secrets.token_urlsafe(32), same_site="strict", https_only=False, max_age=8 * 3600)
    app.add_middleware(SecureCookies)
    return app


class SecureCookies:
    """Cookies set over HTTPS are marked Secure (behind a TLS proxy, run uvicorn with --proxy-headers),
    so a session never travels in clear; plain-HTTP local use keeps working."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("scheme") != "https":
            return await self.app(scope, receive, send)

        async def secure(message):
            if message["type"] == "http.response.start":
                message["headers"] = [(k, v + b"; secure" if k.lower() == b"set-cookie" and b"secure" not in v.lower()
                                       else v) for k, v in message["headers"]]
            await send(message)
        return await self.app(scope, receive, secure)


class SecurityHeaders:
    """Source text is hostile input: no inline script runs, nothing is framed or sniffed."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        inline = b" 'unsafe-inline'" if scope["path"] == "/docs" else b""  # swagger's own bootstrap, no source text
        policy = (b"default-src 'self'; img-src 'self' data:; style-src 'self'" + inline
                  + b"; script-src 'self'" + inline + b"; object-src 'none'")

        async def headed(message):
            if message["type"] == "http.response.start":
                names = {b"content-security-policy", b"x-content-type-options", b"x-frame-options"}
                message["headers"] = [*(h for h in message.get("headers", []) if h[0].lower() not in names),
                                      (b"content-security-policy", policy), (b"x-content-type-options", b"nosniff"),
                                      (b"x-frame-options", b"DENY")]
            await send(message)
        return await self.app(scope, receive, headed)
