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
    NavItem("dashboard", "数据看板", "chart-pie", STAFF),  # a department sees its own (services/kpi.py)
    NavItem("screen", "大屏", "device-desktop-analytics", CENTER_AND_OVERSIGHT),
    NavItem("supervision", "督查督办", "flag", CENTER_AND_OVERSIGHT),
    # issue 6: evaluation, rankings, reports, case library (web/pages/evaluation.py, cases.py)
    NavItem("evaluation", "考核排名", "trophy", STAFF),
    NavItem("revisits", "回访任务", "phone-call", CENTER_AND_OVERSIGHT),
    NavItem("low_satisfaction", "低满意度台账", "mood-sad", CENTER_AND_OVERSIGHT),
    NavItem("appeals", "评价申诉", "scale", STAFF),
    NavItem("reports", "分析报告", "report-analytics", CENTER_AND_OVERSIGHT),
    NavItem("cases", "案例库", "books", frozenset({*STAFF, *ENTERPRISE})),
    NavItem("common_problems", "共性问题", "chart-dots", STAFF),
    NavItem("hot_topics", "热点问题", "flame", CENTER_AND_OVERSIGHT),  # web/pages/duplicates.py
    NavItem("channels", "多渠道录入", "inbox", frozenset({*CENTER_ROLES, *DEPARTMENT_ROLES, Role.leader,
                                                         Role.supervisor})),
    NavItem("qr_codes", "扫码入口", "qrcode", frozenset({Role.admin, *CENTER_ROLES})),
    NavItem("responsibility_list", "职责清单", "list-check", CENTER_AND_OVERSIGHT),
    NavItem("routing_model", "智能分派模型", "brain", frozenset({*CENTER_AND_OVERSIGHT, Role.admin})),
    NavItem("admin_home", "系统管理", "settings", frozenset({Role.admin})),
    NavItem("public_disclosure", "信息公开", "world", frozenset({*STAFF, *ENTERPRISE})),
    NavItem("knowledge_faq", "政策问答", "bulb", frozenset({*STAFF, *ENTERPRISE})),
    NavItem("knowledge_manage", "知识库管理", "notebook", frozenset({Role.admin, *CENTER_ROLES})),
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
