"""HTML pages from the templates, with what every page shows: who is logged in, whether they may edit,
the session's CSRF token for its forms, and register.yml's certainty levels. Shared by every route module that answers in HTML."""

from __future__ import annotations

from pathlib import Path

from dataclasses import asdict

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from counterwatch.register import REGISTER
from counterwatch.web.session import csrf_token, current_user

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
templates.env.globals["certainties"] = [asdict(c) for c in REGISTER.certainty.values()]  # pickers, legends
templates.env.globals["record_path"] = {"deployment": "/deployments", "entity": "/entities"}  # a record's pages


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """Template `name` rendered for this request."""
    user = current_user(request)
    context.update(user=user, can_edit=bool(user) and user[1] in ("editor", "admin"), csrf=csrf_token(request))
    return templates.TemplateResponse(request, name, context, status_code=status_code)
