"""Who is asking, and what they may do.

- Editors and admins log in (argon2 passwords, signed session cookie) or send an API token
  (`Authorization: Bearer cw_...`). Viewers may read proposals; anonymous visitors get the public
  register: accepted claims only, protected persons redacted in every response (a last safety net on
  top of the queries).
- Every cookie-authenticated form POST carries a CSRF token bound to the session.
- Failed logins are rate-limited per client and username.
- `open_editing` (for `make demo` on 127.0.0.1) treats every visitor as a local editor.
"""

from __future__ import annotations

import html
import json
import secrets
import time

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from counterwatch.query.visibility import PUBLIC
from counterwatch.store.accounts import allows, authenticate, protected_names, user_for_token
from counterwatch.web.deps import engine

PROTECTED = "[protected person]"
LOGIN_FAILURES = 5  # allowed per window before the client must wait
LOGIN_WINDOW_S = 600
router = APIRouter(include_in_schema=False)


def current_user(request: Request) -> tuple[str, str] | None:
    return getattr(request.state, "user", None)


def require(role: str):
    """Dependency: the request's user must have at least `role`."""
    def check(request: Request) -> tuple[str, str]:
        user = current_user(request)
        if not user or not allows(user[1], role):
            raise HTTPException(401 if not user else 403, f"{role} rights needed: log in or send an API token")
        return user
    return check


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: Request) -> None:
    """Form posts from a browser session must echo the session's CSRF token."""
    if request.headers.get("authorization", "").startswith("Bearer "):
        return
    form = await request.form()
    sent, expected = form.get("csrf", ""), request.session.get("csrf", "")
    if not expected or not secrets.compare_digest(str(sent), expected):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def _redacted_names(request: Request) -> list[str]:
    names = set(protected_names(request.app.state.engine))
    # each part of a name too: highlighting and line breaks can split a full name
    names |= {part for n in names for part in n.split() if len(part) >= 3 and part[0].isupper()}
    return sorted(names, key=len, reverse=True)


def redact(body: str, names: list[str]) -> str:
    for name in names:
        for form in {name, html.escape(name), json.dumps(name)[1:-1]}:
            body = body.replace(form, PROTECTED)
    return body


async def identify(request: Request, call_next):
    """Middleware: find the user, set what they may see, and redact the public view."""
    user = None
    auth = request.headers.get("authorization", "")
    if auth.startswith("Bearer "):
        user = user_for_token(request.app.state.engine, auth[7:].strip())
        if user is None:
            return Response("invalid API token", status_code=401)
    elif request.session.get("user"):
        user = tuple(request.session["user"])
    elif request.app.state.open_editing:
        user = ("local", "editor")
    request.state.user = user
    token = PUBLIC.set(user is None)
    try:
        response = await call_next(request)
    finally:
        PUBLIC.reset(token)
    kind = response.headers.get("content-type", "")
    dynamic = not request.url.path.startswith("/static/")  # our own files name nobody
    if user is None and dynamic and (kind.startswith("text/html") or kind.startswith("application/json")):
        body = b"".join([chunk async for chunk in response.body_iterator]).decode("utf-8")
        names = _redacted_names(request)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(redact(body, names) if names else body, status_code=response.status_code,
                        headers=headers, media_type=kind)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request):
    from counterwatch.web.pages import _page
    return _page(request, "login.html", error=None)


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(request: Request, username: str = Form(...), password: str = Form(...), db=Depends(engine)):
    from counterwatch.web.pages import _page
    client = request.client.host if request.client else "?"
    tries = request.app.state.login_failures[(client, username)]
    now = time.monotonic()
    while tries and now - tries[0] > LOGIN_WINDOW_S:
        tries.popleft()
    if len(tries) >= LOGIN_FAILURES:
        return _page(request, "login.html", error="Too many failed attempts: wait ten minutes.", status_code=429)
    user = authenticate(db, username, password)
    if user is None:
        tries.append(now)
        return _page(request, "login.html", error="Wrong user name or password.", status_code=401)
    tries.clear()
    request.session.clear()
    request.session["user"] = list(user)
    return RedirectResponse("/", status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request):
    request.session.clear()
    return RedirectResponse("/", status_code=303)
