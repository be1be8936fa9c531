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


def _identity(engine, bearer: str | None, account, open_editing: bool, loopback: bool):
    """(user, by_token, viewer, refusal) of a request, in one trip to the thread pool: each trip is a
    wake-up of the event loop that a flood of requests multiplies."""
    if bearer is not None:
        user = user_for_token(engine, bearer)
        if user is None:
            return None, True, None, Response("invalid API token", status_code=401)
        return user, True, for_account(engine, *user), None
    user = session_user(engine, account) if account else None
    if user is None and not account and open_editing:
        if not loopback:
            return None, False, None, Response("open editing answers on its loopback address only", status_code=400)
        user = ("local", "editor")
    return user, False, for_account(engine, *user) if user else public_viewer(engine), None


class Identify:
    """Middleware: find the user and their viewer, refuse forged writes, redact the public view.

    Plain ASGI (Starlette's BaseHTTPMiddleware runs each request through extra tasks and memory
    streams: with it a refused search cost the server 1.74 ms of CPU, 1.55 without the headers one);
    the database look-ups run in the thread pool, never on the event loop."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        state = request.app.state
        auth = request.headers.get("authorization", "")
        bearer = auth[7:].strip() if auth.startswith("Bearer ") else None
        account = None if bearer is not None else request.session.get("account")
        user, by_token, who, refusal = await run_in_threadpool(
            _identity, state.engine, bearer, account, state.open_editing, _loopback_host(request))
        if refusal is None and not by_token and request.method in UNSAFE and _cross_origin(request):
            refusal = Response("cross-origin write refused", status_code=403)
        if refusal is not None:
            return await refusal(scope, receive, send)
        if account and user is None:  # removed, logged out, or changed since the cookie was issued
            request.session.clear()
        request.state.user, request.state.by_token, request.state.viewer = user, by_token, who
        redactor = who.redactor
        if not redactor or request.url.path.startswith("/static/"):  # our own files name nobody
            return await self.app(scope, receive, send)
        typed = " ".join(request.query_params.values())  # the visitor's own words are echoed as typed
        await self.app(scope, receive, _redacting(send, redactor, typed))


def _redacting(send, redactor, typed: str):
    """A `send` that holds an HTML or JSON response until its last chunk and sends it redacted."""
    start: dict | None = None
    chunks: list[bytes] = []

    async def wrapped(message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            kind = dict(message.get("headers", [])).get(b"content-type", b"").decode("latin-1")
            if kind.startswith("text/html") or kind.startswith("application/json"):
                start = message
                return
        elif message["type"] == "http.response.body" and start is not None:
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = redactor.text(b"".join(chunks).decode("utf-8"), keep=typed).encode("utf-8")
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            return await send({"type": "http.response.body", "body": body})
        await send(message)
    return wrapped
