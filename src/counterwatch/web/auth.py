"""Logging in and out: argon2 passwords checked by the store, a signed session cookie, failed logins
rate-limited per client and username. Who a request is, is web/session.py's job."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from counterwatch.store.accounts import authenticate, end_sessions, session_claims
from counterwatch.web.render import page
from counterwatch.web.session import check_csrf, current_user

LOGIN_FAILURES = 5  # allowed per window before the client must wait
LOGIN_WINDOW_S = 600
router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request):
    return page(request, "login.html", error=None)


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(request: Request, username: str = Form(...), password: str = Form(...)):
    engine = request.app.state.engine
    client = request.client.host if request.client else "?"
    failures, key = request.app.state.login_failures, (client, username)
    if failures.total(key) >= LOGIN_FAILURES:
        return page(request, "login.html", error="Too many failed attempts: wait ten minutes.", status_code=429)
    user = authenticate(engine, username, password)
    if user is None:
        failures.add(key)
        return page(request, "login.html", error="Wrong user name or password.", status_code=401)
    failures.forget(key)
    request.session.clear()
    request.session["account"] = session_claims(engine, user[0])
    return RedirectResponse("/", status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request):
    """End the session on the server too: the account's session version moves on, so no copy of this
    cookie (nor of any other of the account's sessions) is anyone any more."""
    user = current_user(request)
    if user and not request.state.by_token and request.session.get("account"):
        end_sessions(request.app.state.engine, user[0])
    request.session.clear()
    return RedirectResponse("/", status_code=303)
