"""Passwords (argon2), bearer tokens, and turning a token back into an Actor."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select

from qitong.db.engine import read_only
from qitong.db.models import ApiToken, User
from qitong.domain.errors import Forbidden, InvalidInput, Unauthenticated
from qitong.domain.tickets.access import Actor
from qitong.domain.tickets.lifecycle import Role
from qitong.services.audit import Who, record
from qitong.services.context import Context

_hasher = PasswordHasher()
# verifying against this keeps the timing of "no such user" equal to "wrong password"
_DUMMY_HASH = _hasher.hash("qitong-timing-equaliser")


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise InvalidInput("密码至少 8 位", field="password")
    return _hasher.hash(password)


def check_password(hash_: str, password: str) -> bool:
    try:
        return _hasher.verify(hash_, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Principal:
    """A signed-in user: the access rules' Actor plus what the audit log and UI need."""

    actor: Actor
    username: str
    display_name: str
    # after an administrator's reset: only the change-password form until the user picks their own
    must_change_password: bool = False

    @property
    def who(self) -> Who:
        uid = self.actor.user_id or None  # 0 is the operator at the command line, not a user row
        return Who(uid, self.display_name, self.actor.role.value, self.actor.department_id)


def operator() -> Principal:
    """Whoever runs `qitong …` on the server: an administrator, audited as the command line."""
    return Principal(Actor(0, Role.admin), "cli", "运维命令行")


def principal_of(u: User) -> Principal:
    return Principal(
        Actor(u.id, u.role, u.department_id, u.enterprise_id), u.username, u.display_name,
        must_change_password=u.must_change_password,
    )


def authenticate(ctx: Context, username: str, password: str) -> Principal:
    with ctx.sessions.begin() as s:
        u = s.scalars(select(User).where(User.username == username)).one_or_none()
        ok = check_password(u.password_hash if u else _DUMMY_HASH, password)
        if u is None or not ok or not u.active:
            raise Unauthenticated("用户名或密码错误", field="password")
        u.last_login_at = ctx.clock.now()
        return principal_of(u)


def issue_token(ctx: Context, username: str, password: str) -> tuple[str, Principal]:
    p = authenticate(ctx, username, password)
    if p.must_change_password:
        raise Forbidden("该账号正在使用管理员重置的临时密码，请先登录网页修改密码后再使用接口", field="password")
    token = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        s.add(
            ApiToken(
                user_id=p.actor.user_id,
                token_sha256=_sha(token),
                created_at=now,
                expires_at=now + timedelta(hours=ctx.settings.token_ttl_hours),
            )
        )
        record(s, p.who, at=now, entity="user", entity_id=p.actor.user_id, action="login")
    return token, p


def principal_for_token(ctx: Context, token: str) -> Principal:
    now = ctx.clock.now()
    with ctx.sessions() as s:
        read_only(s)  # every API request passes here: one statement, no transaction round trips
        row = s.execute(_TOKEN_LOOKUP, {"sha": _sha(token)}).one_or_none()
    if row is None:
        raise Unauthenticated("登录凭证无效，请重新登录", field="Authorization")
    if row.revoked_at is not None or row.expires_at <= now or not row.active:
        raise Unauthenticated("登录已过期，请重新登录", field="Authorization")
    return Principal(Actor(row.id, row.role, row.department_id, row.enterprise_id), row.username,
                     row.display_name, must_change_password=row.must_change_password)


_TOKEN_LOOKUP = (
    select(ApiToken.revoked_at, ApiToken.expires_at, User.id, User.role, User.department_id, User.enterprise_id,
           User.username, User.display_name, User.must_change_password, User.active)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_sha256 == bindparam("sha"))
)


def revoke_token(ctx: Context, token: str) -> None:
    with ctx.sessions.begin() as s:
        tok = s.scalars(select(ApiToken).where(ApiToken.token_sha256 == _sha(token))).one_or_none()
        if tok is not None and tok.revoked_at is None:
            tok.revoked_at = ctx.clock.now()


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def change_password(ctx: Context, p: Principal, current: str, new: str, confirm: str) -> None:
    """The user's own change: the current password proves it is them; the new one must differ."""
    if not current:
        raise InvalidInput("请输入当前密码", field="current")
    if new != confirm:
        raise InvalidInput("两次输入的新密码不一致", field="confirm")
    if new == current:
        raise InvalidInput("新密码不能与当前密码相同", field="password")
    if not (any(c.isalpha() for c in new) and any(c.isdigit() for c in new)):
        raise InvalidInput("新密码须同时包含字母和数字", field="password")
    digest = hash_password(new)  # length checked here
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        u = s.get(User, p.actor.user_id)
        if u is None or not u.active:
            raise Unauthenticated("账号不存在或已停用", field="session")
        if not check_password(u.password_hash, current):
            raise InvalidInput("当前密码不正确", field="current")
        u.password_hash = digest
        u.must_change_password = False
        record(s, p.who, at=now, entity="user", entity_id=u.id, action="password_change")
