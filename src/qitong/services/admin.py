"""What the admin pages need beyond services/org.py and services/calendar.py: editing a department
(name, tier, parent, region, active), changing a user's role and unit, resetting a password, turning an
account off and on again (each audited), and the lists of departments and users with the names a page
shows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from qitong.db.models import ApiToken, Department, Enterprise, Region, ResponsibilityEntry, Ticket, User
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import DEPARTMENT_ROLES, OPEN_STATUSES, Role
from qitong.domain.tickets.vocab import Tier
from qitong.services.audit import record
from qitong.services.auth import Principal, hash_password
from qitong.services.context import Context
from qitong.services.org import department_out, list_departments, list_users, user_out


def require_admin(p: Principal) -> None:
    if p.actor.role != Role.admin:
        raise Forbidden("系统管理仅限系统管理员", field="role")


def set_user_active(ctx: Context, p: Principal, user_id: int, active: bool) -> dict[str, Any]:
    """停用 / 启用 an account. A deactivated user's cookie session ends at its next request (the user
    is re-read each time) and its API tokens stop working; nothing is deleted."""
    require_admin(p)
    if user_id == p.actor.user_id and not active:
        raise InvalidInput("不能停用自己的账号", field="user_id")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        u = s.get(User, user_id)
        if u is None:
            raise NotFound(f"用户 {user_id} 不存在", field="user_id")
        if u.active != active:
            before = user_out(u)
            u.active = active
            record(s, p.who, at=now, entity="user", entity_id=u.id, action="activate" if active else "deactivate",
                   before=before, after=user_out(u))
        return user_out(u)


@dataclass(frozen=True)
class OrgLists:
    departments: list[dict[str, Any]]
    users: list[dict[str, Any]]
    names: dict[int, str]  # department id → name
    regions: list[dict[str, Any]] = field(default_factory=list)


def org_lists(ctx: Context, p: Principal) -> OrgLists:
    """Departments, users and regions for the admin pages: three statements."""
    require_admin(p)
    deps = list_departments(ctx, p)
    names = {d["id"]: d["name"] for d in deps}
    with ctx.sessions() as s:
        regions = [{"id": i, "code": c, "name": n} for i, c, n in
                   s.execute(select(Region.id, Region.code, Region.name).order_by(Region.code))]
    return OrgLists(deps, list_users(ctx, p), names, regions)


# ------------------------------------------------------------------------------------- departments


class DepartmentUpdate(BaseModel):
    """The editable fields of a department; its code never changes (imports and exports name it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=2, max_length=128)
    short_name: str | None = Field(default=None, max_length=64)
    tier: Tier = Tier.county
    parent_id: Id | None = None
    region_id: Id | None = None
    active: bool = True


def _department_with_region(d: Department) -> dict[str, Any]:
    return {**department_out(d), "region_id": d.region_id}


def _check_parent(s: Session, d: Department, parent_id: int | None) -> None:
    """The parent exists and is not the department itself or one of its descendants."""
    seen = {d.id}
    pid = parent_id
    while pid is not None:
        if pid in seen:
            raise InvalidInput("上级单位不能是本单位或其下级单位", field="parent_id")
        seen.add(pid)
        parent = s.get(Department, pid)
        if parent is None:
            raise InvalidInput("上级单位不存在", field="parent_id")
        pid = parent.parent_id


def _check_deactivation(s: Session, d: Department, today: date) -> None:
    """A unit still leading open tickets, or named by the responsibility list in force or to come,
    cannot be turned off: dispatch would propose, and departments would lose, units nobody works."""
    open_n = s.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.lead_unit_id == d.id, Ticket.status.in_(OPEN_STATUSES))) or 0
    if open_n:
        raise Conflict(f"“{d.name}”尚有 {open_n} 件未办结工单为其主办，请先改派后再停用", field="active")
    entries = s.scalar(select(func.count()).select_from(ResponsibilityEntry).where(
        ResponsibilityEntry.lead_unit_id == d.id,
        or_(ResponsibilityEntry.effective_to.is_(None), ResponsibilityEntry.effective_to >= today))) or 0
    if entries:
        raise Conflict(f"职责清单中有 {entries} 个现行或待生效条目以“{d.name}”为主办单位，请先调整职责清单",
                       field="active")


def update_department(ctx: Context, p: Principal, department_id: int, data: DepartmentUpdate) -> dict[str, Any]:
    require_admin(p)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        d = s.get(Department, department_id)
        if d is None:
            raise NotFound(f"单位 {department_id} 不存在", field="department_id")
        _check_parent(s, d, data.parent_id)
        if data.region_id is not None and s.get(Region, data.region_id) is None:
            raise InvalidInput("所属区划不存在", field="region_id")
        if d.active and not data.active:
            _check_deactivation(s, d, now.astimezone(ctx.policy.tz).date())
        before = _department_with_region(d)
        d.name, d.short_name, d.tier = data.name, data.short_name or data.name, data.tier
        d.parent_id, d.region_id, d.active = data.parent_id, data.region_id, data.active
        s.flush()
        after = _department_with_region(d)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            record(s, p.who, at=now, entity="department", entity_id=d.id, action="update",
                   before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
        return after


# ------------------------------------------------------------------------------------------- users


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    display_name: str = Field(min_length=1, max_length=64)
    role: Role
    department_id: Id | None = None
    enterprise_id: Id | None = None
    phone: str | None = Field(default=None, max_length=32)


def update_user(ctx: Context, p: Principal, user_id: int, data: UserUpdate) -> dict[str, Any]:
    """Change a user's role, unit, binding, name or phone. The next request already runs with the new
    role: the session and the API tokens re-read the user each time."""
    require_admin(p)
    if data.role in DEPARTMENT_ROLES and data.department_id is None:
        raise InvalidInput("经办人和分管负责人必须属于一个单位", field="department_id")
    if data.role == Role.enterprise_user and data.enterprise_id is None:
        raise InvalidInput("企业用户必须绑定企业", field="enterprise_id")
    if data.role != Role.enterprise_user and data.enterprise_id is not None:
        raise InvalidInput("只有企业用户可以绑定企业", field="enterprise_id")
    if user_id == p.actor.user_id and data.role != Role.admin:
        raise InvalidInput("不能取消自己的系统管理员角色", field="role")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        u = _user(s, user_id)
        if data.department_id is not None:
            dept = s.get(Department, data.department_id)
            if dept is None or (not dept.active and dept.id != u.department_id):
                raise InvalidInput("所属单位不存在或已停用", field="department_id")
        if data.enterprise_id is not None and s.get(Enterprise, data.enterprise_id) is None:
            raise InvalidInput("绑定的企业不存在", field="enterprise_id")
        before = {**user_out(u), "phone": u.phone}
        u.display_name, u.role, u.phone = data.display_name, data.role, data.phone
        u.department_id, u.enterprise_id = data.department_id, data.enterprise_id
        s.flush()
        after = {**user_out(u), "phone": u.phone}
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            record(s, p.who, at=now, entity="user", entity_id=u.id, action="update",
                   before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
        return user_out(u)


def _user(s: Session, user_id: int) -> User:
    u = s.get(User, user_id)
    if u is None:
        raise NotFound(f"用户 {user_id} 不存在", field="user_id")
    return u


# no 0/O, 1/l/I: a temporary password is read out over the phone
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def reset_password(ctx: Context, p: Principal, user_id: int) -> tuple[dict[str, Any], str]:
    """Set a random temporary password (argon2) and revoke the user's API tokens. The password is
    returned once, for the page to show; it is never stored in clear nor written to the audit log."""
    require_admin(p)
    password = temporary_password()
    digest = hash_password(password)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        u = _user(s, user_id)
        u.password_hash = digest
        u.must_change_password = True  # the temporary password opens only the change form
        live = ApiToken.user_id == u.id, ApiToken.revoked_at.is_(None)
        revoked = s.scalar(select(func.count()).select_from(ApiToken).where(*live)) or 0
        s.execute(update(ApiToken).where(*live).values(revoked_at=now))
        record(s, p.who, at=now, entity="user", entity_id=u.id, action="password_reset",
               data={"tokens_revoked": revoked})
        return user_out(u), password
