"""The navigation, by role. An entry shows only when its page is registered on the app, so the
dashboards, public disclosure, QR codes and admin pages appear by themselves once they exist."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.routing import NoMatchFound

from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, OVERSIGHT_ROLES, Role
from qitong.services.auth import Principal

STAFF = frozenset({*CENTER_ROLES, *DEPARTMENT_ROLES, *OVERSIGHT_ROLES})
ENTERPRISE = frozenset({Role.enterprise_user})
CENTER_AND_OVERSIGHT = frozenset({*CENTER_ROLES, *OVERSIGHT_ROLES})


@dataclass(frozen=True)
class NavItem:
    route: str  # the route's name
    label: str
    icon: str  # a Tabler icon name
    roles: frozenset[Role]


NAV: tuple[NavItem, ...] = (
    NavItem("workbench", "工作台", "layout-dashboard", STAFF),
    NavItem("portal_home", "我的诉求", "list-details", ENTERPRISE),
    NavItem("portal_submit", "提交诉求", "message-plus", ENTERPRISE),
    NavItem("track", "进度查询", "search", ENTERPRISE),
    # the later slices of issue 4: shown as soon as a page with this route name is registered
    NavItem("dashboard", "数据看板", "chart-pie", CENTER_AND_OVERSIGHT),
    NavItem("screen", "大屏", "device-desktop-analytics", CENTER_AND_OVERSIGHT),
    NavItem("supervision", "督查督办", "flag", CENTER_AND_OVERSIGHT),
    NavItem("qr_codes", "扫码入口", "qrcode", frozenset({Role.admin, *CENTER_ROLES})),
    NavItem("admin_home", "系统管理", "settings", frozenset({Role.admin})),
    NavItem("public_disclosure", "信息公开", "world", frozenset({*STAFF, *ENTERPRISE})),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    icon: str
    href: str


def _path(request: Request, name: str) -> str | None:
    try:
        return str(request.app.url_path_for(name))
    except NoMatchFound:
        return None


def nav_for(request: Request, p: Principal | None) -> list[NavLink]:
    role = p.actor.role if p else None
    links = ((i, _path(request, i.route)) for i in NAV if role in i.roles)
    return [NavLink(i.label, i.icon, href) for i, href in links if href is not None]
