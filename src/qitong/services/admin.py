"""What the admin pages need beyond services/org.py and services/calendar.py: turning an account off
and on again (audited), and the lists of departments and users with the names a page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qitong.db.models import User
from qitong.domain.errors import Forbidden, InvalidInput, NotFound
from qitong.domain.tickets.lifecycle import Role
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.org import list_departments, list_users, user_out


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


def org_lists(ctx: Context, p: Principal) -> OrgLists:
    """Departments and users for the admin pages: two statements."""
    require_admin(p)
    deps = list_departments(ctx, p)
    names = {d["id"]: d["name"] for d in deps}
    return OrgLists(deps, list_users(ctx, p), names)
