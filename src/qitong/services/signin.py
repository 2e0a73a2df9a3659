"""Signing in to the web pages: by password, or (demo) an enterprise by its USCC; and turning the
session's user id back into a Principal on every request."""

from __future__ import annotations

from sqlalchemy import select

from qitong.db.models import Enterprise, User
from qitong.domain.errors import InvalidInput, NotFound, Unauthenticated
from qitong.domain.identity import InvalidUSCC, mask_phone, validate_uscc
from qitong.domain.tickets.lifecycle import Role
from qitong.services.audit import record
from qitong.services.auth import Principal, authenticate, principal_of
from qitong.services.context import Context


def sign_in(ctx: Context, username: str, password: str) -> Principal:
    if not username or not password:
        raise InvalidInput("请输入用户名和密码", field="username" if not username else "password")
    p = authenticate(ctx, username, password)
    _audit_login(ctx, p, "password")
    return p


def principal_for_user(ctx: Context, user_id: int) -> Principal:
    with ctx.sessions() as s:
        u = s.get(User, user_id)
        if u is None or not u.active:
            raise Unauthenticated("登录已失效，请重新登录", field="session")
        return principal_of(u)


def enterprise_account(ctx: Context, uscc: str) -> tuple[Principal, str]:
    """The enterprise's first active account, and the masked phone the code 'goes' to."""
    try:
        code = validate_uscc(uscc)
    except InvalidUSCC as e:
        raise InvalidInput(e.reason, field="uscc") from None
    with ctx.sessions() as s:
        row = s.execute(
            select(User, Enterprise)
            .join(Enterprise, Enterprise.id == User.enterprise_id)
            .where(Enterprise.uscc == code, User.role == Role.enterprise_user, User.active)
            .order_by(User.id)
            .limit(1)
        ).one_or_none()
        if row is None:
            raise NotFound("该统一社会信用代码尚未开通企业账号，请联系企业综合服务中心", field="uscc")
        u, ent = row
        phone = ent.contact_phone or u.phone or ""
        return principal_of(u), mask_phone(phone) if phone else "企业预留手机"


def sign_in_enterprise(ctx: Context, user_id: int) -> Principal:
    """Record the sign-in of an enterprise account whose code the web layer has checked."""
    p = principal_for_user(ctx, user_id)
    _audit_login(ctx, p, "uscc_code")
    return p


def _audit_login(ctx: Context, p: Principal, method: str) -> None:
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        record(s, p.who, at=now, entity="user", entity_id=p.actor.user_id, action="login",
               data={"method": method, "via": "web"})
