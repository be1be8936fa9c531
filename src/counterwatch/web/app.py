"""Build the FastAPI application: one engine, page routes and `/api` routes, static files."""

from __future__ import annotations

import os
import secrets
from collections import defaultdict, deque
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware

from counterwatch.store import connect
from counterwatch.web import api, auth, pages

STATIC = Path(__file__).with_name("static")


def create_app(engine: Engine | None = None, open_editing: bool = False, secret_key: str | None = None) -> FastAPI:
    """`open_editing` makes every visitor a local editor (single-user use on 127.0.0.1 only)."""
    app = FastAPI(title="Counterwatch", description="Evidence register of surveillance deployments: every field "
                  "is a claim of a source, with its quote and certainty.", version="0.1.0",
                  docs_url=None, redoc_url=None)
    app.state.engine = engine or connect()
    app.state.open_editing = open_editing
    app.state.login_failures = defaultdict(deque)  # (client, user name) -> times of failed logins
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router, prefix="/api")
    app.include_router(auth.router)
    app.include_router(pages.router)

    @app.get("/docs", include_in_schema=False)
    def docs():
        """OpenAPI docs from the npm copy of swagger-ui: no CDN, works offline."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Counterwatch API",
                                   swagger_js_url="/static/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui.css")

    @app.middleware("http")
    async def security_headers(request, call_next):
        """Source text is hostile input: no inline script runs, nothing is framed or sniffed."""
        response = await call_next(request)
        inline = " 'unsafe-inline'" if request.url.path == "/docs" else ""  # swagger's own bootstrap, no source text
        response.headers["Content-Security-Policy"] = (f"default-src 'self'; img-src 'self' data:; style-src 'self'{inline}; "
                                                       f"script-src 'self'{inline}; object-src 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    app.add_middleware(BaseHTTPMiddleware, dispatch=auth.identify)
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
