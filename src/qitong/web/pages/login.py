"""Sign in (username + password; for the demo, an enterprise by USCC + a code shown on screen), sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from qitong.domain.errors import DomainError, InvalidInput, NotFound, Unauthenticated
from qitong.domain.tickets.lifecycle import Role
from qitong.services import auth, signin
from qitong.web.deps import Ctx
from qitong.web.pages import session
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import MaybeUser, PageUser

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _safe_next(nxt: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if nxt and nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt:
        return nxt
    return None


def home_of(role: Role) -> str:
    return "/portal" if role == Role.enterprise_user else "/workbench"


@router.get("/", name="home")
def home(me: MaybeUser) -> Response:
    return RedirectResponse(home_of(me.actor.role) if me else "/login", status_code=303)


@router.get("/login", name="login")
def login_page(request: Request, me: MaybeUser, next: str | None = None, tab: str = "password") -> Response:
    if me is not None:
        return RedirectResponse(_safe_next(next) or home_of(me.actor.role), status_code=303)
    return render(request, "auth/login.html", {"next": _safe_next(next) or "", "tab": tab, "values": {}})


@router.post("/login", name="login_post")
def login(
    request: Request, ctx: Ctx, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    try:
        p = signin.sign_in(ctx, username.strip(), password)
    except (InvalidInput, Unauthenticated) as e:
        return render(request, "auth/login.html", {
            "next": _safe_next(next) or "", "tab": "password", "error": e.message,
            "values": {"username": username}}, status=422)
    session.start(request, p)
    if p.must_change_password:
        return RedirectResponse("/account/password", status_code=303)
    return RedirectResponse(_safe_next(next) or home_of(p.actor.role), status_code=303)


@router.post("/login/code", name="login_code")
def login_code(request: Request, ctx: Ctx, uscc: Annotated[str, Form()] = "",
               next: Annotated[str, Form()] = "") -> Response:
    """Demo only: 'send' the code by showing it on screen."""
    if not ctx.settings.demo_login_code:
        raise NotFound("未开放企业快捷登录", field="uscc")
    values = {"uscc": uscc.strip().upper()}
    try:
        p, phone = signin.enterprise_account(ctx, uscc)
    except DomainError as e:
        return render(request, "auth/login.html", {"next": _safe_next(next) or "", "tab": "uscc",
                                                   "error": e.message, "values": values}, status=422)
    code = session.issue_code(request, ctx, p.actor.user_id, values["uscc"])
    return render(request, "auth/login.html", {"next": _safe_next(next) or "", "tab": "uscc", "values": values,
                                               "demo_code": code, "phone": phone})


@router.post("/login/uscc", name="login_uscc")
def login_uscc(request: Request, ctx: Ctx, uscc: Annotated[str, Form()] = "", code: Annotated[str, Form()] = "",
               next: Annotated[str, Form()] = "") -> Response:
    if not ctx.settings.demo_login_code:
        raise NotFound("未开放企业快捷登录", field="uscc")
    values = {"uscc": uscc.strip().upper(), "code_sent": True}
    try:
        uid = session.check_code(request, ctx, uscc, code)
        p = signin.sign_in_enterprise(ctx, uid)
    except DomainError as e:
        return render(request, "auth/login.html", {"next": _safe_next(next) or "", "tab": "uscc",
                                                   "error": e.message, "values": values}, status=422)
    session.start(request, p)
    return RedirectResponse(_safe_next(next) or home_of(p.actor.role), status_code=303)


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    session.end(request)
    session.flash(request, "您已安全退出")
    return RedirectResponse("/login", status_code=303)


@router.get("/account/password", name="account_password")
def password_page(request: Request, me: PageUser) -> Response:
    return render(request, "auth/password.html", {"me": me})


@router.post("/account/password", name="account_password_post")
def change_password(
    request: Request, ctx: Ctx, me: PageUser, current: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "", confirm: Annotated[str, Form()] = "",
) -> Response:
    try:
        auth.change_password(ctx, me, current, password, confirm)
    except InvalidInput as e:
        return render(request, "auth/password.html", {"me": me, "error": e.message}, status=422)
    # the session carries the principal read at sign-in: begin a fresh one without the flag
    session.start(request, signin.principal_for_user(ctx, me.actor.user_id))
    session.flash(request, "密码已修改")
    return RedirectResponse(home_of(me.actor.role), status_code=303)
