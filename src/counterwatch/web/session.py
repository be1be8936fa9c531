"""Who is asking, and what they may do: the middleware that identifies each request and the
dependencies routes declare.

- Editors and admins log in (argon2 passwords, signed session cookie) or send an API token
  (`Authorization: Bearer cw_...`). Every request checks the session against its account (removed,
  logged out, role or password changed: the cookie is void). Each request gets a Viewer
  (query/viewer.py) that pages, API routes and queries are handed: anonymous visitors see the public
  register, accepted claims with protected persons redacted. A last safety net redacts protected
  names left in any public HTML or JSON response.
- Writes authenticated by the browser (session cookie or open editing) must come from our own
  origin (Origin/Referer) and carry the session's CSRF token: a form field, or the X-CSRF-Token
  header for the JSON API. Bearer-token requests carry no ambient credential and need neither.
- Failed logins are rate-limited per client and username (web/auth.py, the login routes).
- `open_editing` (for `make demo` on 127.0.0.1) treats every visitor as a local editor, but only when
  the Host header is a loopback name (no DNS rebinding) and writes come from that same origin.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from counterwatch.query.viewer import Viewer, for_account, public_viewer
from counterwatch.store.accounts import allows, session_user, user_for_token

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def current_user(request: Request) -> tuple[str, str] | None:
    return getattr(request.state, "user", None)


def viewer(request: Request) -> Viewer:
    """Dependency: the request's viewer, set by `identify`."""
    return request.state.viewer


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


def _csrf_matches(request: Request, sent: object) -> bool:
    expected = request.session.get("csrf", "")
    return bool(expected) and secrets.compare_digest(str(sent or ""), expected)


async def check_csrf(request: Request) -> None:
    """Form posts from a browser session must echo the session's CSRF token."""
    if request.state.by_token:
        return
    form = await request.form()
    if not _csrf_matches(request, form.get("csrf", "")):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def check_csrf_header(request: Request) -> None:
    """JSON API writes from a browser session must send the session's CSRF token as X-CSRF-Token."""
    if current_user(request) is None or request.state.by_token:
        return  # nobody to act for (the route answers 401), or no ambient credential to abuse
    if not _csrf_matches(request, request.headers.get("x-csrf-token")):
        raise HTTPException(403, "a browser session writes with the X-CSRF-Token header (or use an API token)")


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', '')}".lower()


def _cross_origin(request: Request) -> bool:
    """An unsafe request whose Origin (or, without one, Referer) is not this server's own."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent:
        return False  # not sent by a browser page; the CSRF token still guards cookie writes
    parts = urlsplit(sent)
    return f"{parts.scheme}://{parts.netloc}".lower() != _origin(request)


def _loopback_host(request: Request) -> bool:
    host = urlsplit("//" + request.headers.get("host", "")).hostname or ""
    return host.lower() in LOOPBACK


async def identify(request: Request, call_next):
    """Middleware: find the user and their viewer, refuse forged writes, redact the public view. Its
    database look-ups run in the thread pool: on the event loop, every request (a flood of refused ones
    too) held up all the others for the time of its queries."""
    engine = request.app.state.engine
    user, by_token = None, False
    auth = request.headers.get("authorization", "")
    if auth.startswith("Bearer "):
        user, by_token = await run_in_threadpool(user_for_token, engine, auth[7:].strip()), True
        if user is None:
            return Response("invalid API token", status_code=401)
    elif request.session.get("account"):
        user = await run_in_threadpool(session_user, engine, request.session["account"])
        if user is None:  # removed, logged out, or changed since the cookie was issued
            request.session.clear()
    elif request.app.state.open_editing:
        if not _loopback_host(request):
            return Response("open editing answers on its loopback address only", status_code=400)
        user = ("local", "editor")
    if not by_token and request.method in UNSAFE and _cross_origin(request):
        return Response("cross-origin write refused", status_code=403)
    request.state.user, request.state.by_token = user, by_token
    request.state.viewer = await run_in_threadpool(lambda: for_account(engine, *user) if user else public_viewer(engine))
    response = await call_next(request)
    kind = response.headers.get("content-type", "")
    redactor = request.state.viewer.redactor
    dynamic = not request.url.path.startswith("/static/")  # our own files name nobody
    if redactor and dynamic and (kind.startswith("text/html") or kind.startswith("application/json")):
        body = b"".join([chunk async for chunk in response.body_iterator]).decode("utf-8")
        typed = " ".join(request.query_params.values())  # the visitor's own words are echoed as typed
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(redactor.text(body, keep=typed), status_code=response.status_code, headers=headers,
                        media_type=kind)
    return response
