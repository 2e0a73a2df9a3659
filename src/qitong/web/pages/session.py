"""The page session: a signed cookie (Starlette's SessionMiddleware, HttpOnly, SameSite=Lax, Secure
by setting) holding the user id, the CSRF token, one-shot messages and the demo sign-in code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated, Any

from fastapi import Depends, Request

from qitong.domain.errors import Forbidden, InvalidInput, Unauthenticated
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.signin import principal_for_user
from qitong.web.deps import get_ctx

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CODE_TTL_SECONDS = 300
CODE_ATTEMPTS = 5


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Every POST carries the session's token, in the form or (htmx) in a header."""
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise Forbidden("页面已过期或表单来源无法确认（安全校验未通过），请刷新页面后重新提交", field=CSRF_FIELD)


def current_user(request: Request) -> Principal | None:
    """The signed-in user, read once per request; None when signed out or the account is gone."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    uid = request.session.get("uid")
    p: Principal | None = None
    if isinstance(uid, int):
        try:
            p = principal_for_user(get_ctx(request), uid)
        except Unauthenticated:
            request.session.pop("uid", None)
    request.state.principal = p
    return p


class MustChangePassword(Exception):
    """A signed-in user still on an administrator's temporary password: every page but the change
    form and sign-out sends them there."""


PASSWORD_PATHS = frozenset({"/account/password", "/logout"})


def require_user(request: Request) -> Principal:
    p = current_user(request)
    if p is None:
        raise Unauthenticated("请先登录", field="session")
    if p.must_change_password and request.url.path not in PASSWORD_PATHS:
        raise MustChangePassword
    return p


def start(request: Request, p: Principal) -> None:
    """A new session for a new sign-in: nothing of the anonymous one survives, the token included."""
    request.session.clear()
    request.session["uid"] = p.actor.user_id
    request.session["csrf"] = secrets.token_urlsafe(32)
    request.state.principal = p


def end(request: Request) -> None:
    request.session.clear()
    request.state.principal = None


def flash(request: Request, message: str, level: str = "success") -> None:
    request.session.setdefault("flash", []).append([level, message])


def pop_flashes(request: Request) -> list[list[str]]:
    out: list[list[str]] = request.session.pop("flash", [])
    return out


def _mac(ctx: Context, user_id: int, code: str) -> str:
    key = ctx.settings.secret_key.encode()
    return hmac.new(key, f"login-code:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def issue_code(request: Request, ctx: Context, user_id: int, uscc: str) -> str:
    """The demo's stand-in for an SMS: the code is shown on screen; only its MAC sits in the cookie."""
    code = f"{secrets.randbelow(10**6):06d}"
    request.session["login_code"] = {
        "uid": user_id, "uscc": uscc, "mac": _mac(ctx, user_id, code),
        "exp": ctx.clock.now().timestamp() + CODE_TTL_SECONDS, "tries": 0,
    }
    return code


def check_code(request: Request, ctx: Context, uscc: str, code: str) -> int:
    pending: dict[str, Any] | None = request.session.get("login_code")
    if not pending or pending.get("uscc") != uscc.strip().upper():
        raise InvalidInput("请先获取验证码", field="code")
    if pending["tries"] >= CODE_ATTEMPTS or ctx.clock.now().timestamp() > pending["exp"]:
        request.session.pop("login_code", None)
        raise InvalidInput("验证码已失效，请重新获取", field="code")
    if not hmac.compare_digest(pending["mac"], _mac(ctx, pending["uid"], code.strip())):
        pending["tries"] += 1
        request.session["login_code"] = pending
        raise InvalidInput("验证码不正确", field="code")
    request.session.pop("login_code", None)
    uid: int = pending["uid"]
    return uid


PageUser = Annotated[Principal, Depends(require_user)]
MaybeUser = Annotated[Principal | None, Depends(current_user)]
