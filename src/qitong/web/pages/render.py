"""The Jinja2 environment (autoescaped) with the shared filters, and `render`, which adds what every
page needs: the user, the CSRF token, the navigation, one-shot messages."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, STATUS_LABELS, Role
from qitong.domain.tickets.vocab import (
    CHANNEL_LABELS,
    COMPLEXITY_LABELS,
    LAYER_LABELS,
    RATING_LABELS,
    TICKET_TYPE_LABELS,
    TIER_LABELS,
    URGENCY_LABELS,
)
from qitong.web.deps import get_ctx
from qitong.web.pages import ui
from qitong.web.pages.forms import ACTION_FIELDS
from qitong.web.pages.nav import nav_for
from qitong.web.pages.session import CSRF_FIELD, CSRF_HEADER, csrf_token, current_user, pop_flashes

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

ROLE_LABELS: dict[str, str] = {
    Role.enterprise_user: "企业用户",
    Role.center_agent: "中心受理员",
    Role.dispatcher: "中心分派员",
    Role.handler: "经办人",
    Role.department_leader: "分管负责人",
    Role.supervisor: "督查督办",
    Role.leader: "县领导",
    Role.admin: "系统管理员",
    Role.auditor: "审计员",
}
CONTACT_METHODS = {"phone": "电话联系", "visit": "上门走访", "online": "线上沟通"}
# the names of posted fields, for the 422 page that shows back what was typed
FIELD_LABELS: dict[str, str] = {
    **{f.name: f.label for fields in ACTION_FIELDS.values() for f in fields},
    "reason": "原因/说明", "title": "诉求标题", "content": "问题描述", "ticket_type": "诉求类型",
    "category": "问题分类", "region_code": "所在属地", "submitter_name": "联系人", "submitter_phone": "联系电话",
    "uscc": "统一社会信用代码", "number": "工单编号", "query_code": "查询码", "ticket": "工单",
    "username": "用户名",
}


def _label(table: Any, value: Any) -> str:
    if value is None:
        return "—"
    for k, v in table.items():
        if k == value:
            return str(v)
    return str(value)


def make_templates(tz_name: str) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    tz = ZoneInfo(tz_name)
    env.filters.update(
        dt=lambda v, fmt="%Y-%m-%d %H:%M": ui.format_dt(v, tz, fmt),
        recorded=lambda v: ui.format_recorded(v, tz),
        day=lambda v: ui.format_dt(v, tz, "%m-%d"),
        due=lambda v, fmt="%Y-%m-%d %H:%M": ui.format_due(v, tz, fmt),
        status_colour=ui.status_colour,
        status_label=partial(_label, STATUS_LABELS),
        type_label=partial(_label, TICKET_TYPE_LABELS),
        channel_label=partial(_label, CHANNEL_LABELS),
        complexity_label=partial(_label, COMPLEXITY_LABELS),
        urgency_label=partial(_label, URGENCY_LABELS),
        layer_label=partial(_label, LAYER_LABELS),
        tier_label=partial(_label, TIER_LABELS),
        rating_label=partial(_label, RATING_LABELS),
        role_label=partial(_label, ROLE_LABELS),
        contact_label=partial(_label, CONTACT_METHODS),
        rating_colour=lambda v: ui.RATING_COLOURS.get(int(v), "secondary") if v else "secondary",
    )
    env.globals.update(
        progress=ui.progress,
        milestones_from_actions=ui.milestones_from_actions,
        RATING_CHOICES=ui.RATING_CHOICES,
        STATUS_LABELS={s.value: lbl for s, lbl in STATUS_LABELS.items()},
        TICKET_TYPES=[(k.value, v) for k, v in TICKET_TYPE_LABELS.items()],
        CHANNELS=[(k.value, v) for k, v in CHANNEL_LABELS.items()],
        COMPLEXITIES=[(k.value, v) for k, v in COMPLEXITY_LABELS.items()],
        URGENCIES=[(k.value, v) for k, v in URGENCY_LABELS.items()],
        LAYERS=[(k.value, v) for k, v in LAYER_LABELS.items()],
        TIERS=[(k.value, v) for k, v in TIER_LABELS.items()],
        CONTACT_METHODS=list(CONTACT_METHODS.items()),
        FIELD_LABELS=FIELD_LABELS,
        CSRF_FIELD=CSRF_FIELD,
        CSRF_HEADER=CSRF_HEADER,
    )
    return templates


def templates_of(request: Request) -> Jinja2Templates:
    t: Jinja2Templates = request.app.state.templates
    return t


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    p = current_user(request)
    role = p.actor.role if p else None
    base = {
        "me": p,
        "is_enterprise": role == Role.enterprise_user,
        "is_center": role in CENTER_ROLES,
        "is_department": role in DEPARTMENT_ROLES,
        "csrf_token": csrf_token(request),
        "nav": nav_for(request, p),
        "flashes": pop_flashes(request),
        "settings": get_ctx(request).settings,
        "path": request.url.path,
        "layout": "layouts/portal.html" if role == Role.enterprise_user else
                  "layouts/staff.html" if p else "layouts/plain.html",
    }
    return templates_of(request).TemplateResponse(request, name, {**base, **(context or {})}, status_code=status)
