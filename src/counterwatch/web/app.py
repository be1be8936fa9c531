"""Build the FastAPI application: one engine, page routes and `/api` routes, static files."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from counterwatch.store import connect
from counterwatch.web import api, pages

STATIC = Path(__file__).with_name("static")


def create_app(engine: Engine | None = None) -> FastAPI:
    app = FastAPI(title="Counterwatch", description="Evidence register of surveillance deployments: every field "
                  "is a claim of a source, with its quote and certainty.", version="0.1.0",
                  docs_url=None, redoc_url=None)
    app.state.engine = engine or connect()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router, prefix="/api")
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

    return app
