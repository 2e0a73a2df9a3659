"""案例库 and 共性问题 pages (issue 6): recommend a closed ticket as a typical case (from the ticket
page), edit the anonymised draft, publish it by another reviewer, search the published cases; the
common problems with their monthly trend (an inline SVG sparkline, no script) and risk warnings.
Access rules are the service's (services/cases.py); the page only hides what a role may not do."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from qitong.db.models import CaseStatus
from qitong.domain.errors import Forbidden, InvalidInput
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import Role
from qitong.services import cases
from qitong.services.auth import Principal
from qitong.services.choices import form_choices
from qitong.web.deps import Ctx
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import PageUser, flash, require_user
from qitong.web.pages.tickets import PostedForm

router = APIRouter(prefix="/cases", route_class=PageRoute, include_in_schema=False)

MONTH_CHOICES = (3, 6, 12)
CASE_STATUS = {"draft": "待审核草稿", "published": "已发布", "withdrawn": "已撤回"}


def require_staff(p: Annotated[Principal, Depends(require_user)]) -> Principal:
    if p.actor.role == Role.enterprise_user:
        raise Forbidden("共性问题分析供工作人员查看", field="role")
    return p


StaffUser = Annotated[Principal, Depends(require_staff)]


def _text(form: FormData, name: str) -> str | None:
    v = form.get(name)
    return v if isinstance(v, str) else None


def _roles(me: Principal) -> dict[str, bool]:
    role = me.actor.role
    return {"can_read_drafts": role in cases.DRAFT_READERS,
            "can_edit": role in cases.PROPOSE_ROLES | cases.REVIEW_ROLES, "can_review": role in cases.REVIEW_ROLES}


# ------------------------------------------------------------------------------------------ search


@router.get("", name="cases")
def search(request: Request, ctx: Ctx, me: PageUser) -> Response:
    params = request.query_params
    q, category = (params.get("q") or "").strip()[:100], params.get("category") or None
    status = CaseStatus.draft if params.get("status") == "draft" else CaseStatus.published
    items = cases.search_cases(ctx, me, q, category, status)
    choices = form_choices(ctx)
    return render(request, "cases/index.html", {
        "items": items, "q": q, "category": category or "", "status": status.value, "choices": choices,
        "CASE_STATUS": CASE_STATUS, **_roles(me),
    })


# ------------------------------------------------------------------------------------------ common problems


def sparkline(counts: list[int], width: int = 120, height: int = 28, pad: int = 3) -> str:
    """The SVG polyline points of a small trend line, the highest month at the top."""
    if not counts:
        return ""
    top = max(max(counts), 1)
    step = (width - 2 * pad) / max(len(counts) - 1, 1)
    return " ".join(f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * c / top:.1f}"
                    for i, c in enumerate(counts))


def _months(raw: str | None) -> int:
    if raw in (None, ""):
        return 6
    if not raw.isdigit() or int(raw) not in MONTH_CHOICES:
        raise InvalidInput("统计月数应为 3、6 或 12", field="months")
    return int(raw)


@router.get("/common-problems", name="common_problems")
def common_problems(request: Request, ctx: Ctx, me: StaffUser) -> Response:
    months = _months(request.query_params.get("months"))
    items = cases.common_problems(ctx, months=months)
    for c in items:
        c["spark"] = sparkline([t["count"] for t in c["trend"]])
    return render(request, "cases/common_problems.html", {
        "items": items, "months": months, "MONTH_CHOICES": MONTH_CHOICES,
        "warnings": [c for c in items if c["warning"]],
    })


# ------------------------------------------------------------------------------------------ one case


@router.post("", name="case_propose")
def propose(request: Request, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    """From the ticket page (templates/cases/_ticket.html)."""
    raw = _text(form, "ticket_id") or ""
    if not raw.isdigit():
        raise InvalidInput("请从工单页面推荐典型案例", field="ticket_id")
    c = cases.propose_case(ctx, me, int(raw), (_text(form, "lesson") or "").strip())
    flash(request, "已生成案例草稿，内容已自动脱敏；请核对后交由其他审核人员发布")
    return RedirectResponse(f"/cases/{c['id']}", status_code=303)


@router.get("/{case_id}", name="case")
def case_page(request: Request, ctx: Ctx, me: PageUser, case_id: Id) -> Response:
    c = cases.get_case(ctx, me, case_id)
    roles = _roles(me)
    draft = c["status"] == CaseStatus.draft.value
    return render(request, "cases/detail.html", {
        "c": c, "category_name": form_choices(ctx).category_name(c["category"]) or "未分类",
        "CASE_STATUS": CASE_STATUS, "editable": draft and roles["can_edit"],
        "publishable": draft and roles["can_review"] and c["created_by_id"] != me.actor.user_id,
        "own_draft": draft and c["created_by_id"] == me.actor.user_id, "values": {}, **roles,
    })


@router.post("/{case_id}/edit", name="case_edit")
def edit(request: Request, ctx: Ctx, me: PageUser, case_id: Id, form: PostedForm) -> Response:
    e = cases.CaseEdit(**{k: _text(form, k) for k in ("title", "problem", "solution", "lesson")})
    cases.edit_case(ctx, me, case_id, e)
    flash(request, "已保存草稿（已再次自动脱敏）")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/{case_id}/publish", name="case_publish")
def publish(request: Request, ctx: Ctx, me: PageUser, case_id: Id) -> Response:
    c = cases.publish_case(ctx, me, case_id)
    flash(request, f"已审核发布典型案例：{c['title']}")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
