"""Near-duplicates in the pages (docs/duplicates.md): the htmx panel under the portal's submit form
(category suggestions and "已有相似问题正在办理"), the 相似工单 panel of the staff ticket page with
its link and merge forms, and the 热点问题 page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from qitong.domain.errors import InvalidInput
from qitong.domain.ids import Id
from qitong.services import duplicates as dup
from qitong.services.routing.suggest import suggest_for
from qitong.web.deps import Ctx
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import PageUser, flash
from qitong.web.pages.tickets import PostedForm

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MIN_CHARS = 6  # fewer typed characters than this say too little to compare
DAY_CHOICES = (7, 30, 90)


def _typed(request: Request) -> tuple[str, str]:
    q = request.query_params
    return (q.get("title") or "").strip()[:200], (q.get("content") or "").strip()[:10000]


@router.get("/duplicates/intake", name="duplicates_intake")
def intake(request: Request, ctx: Ctx, me: PageUser) -> Response:
    """The fragment under the submit form: suggested categories and similar tickets being handled."""
    title, content = _typed(request)
    typed = len(title) + len(content) >= MIN_CHARS
    found: dict[str, Any] = {"warning": None, "items": []}
    categories: list[dict[str, Any]] = []
    if typed:
        found = dup.check_draft(ctx, me, title, content, limit=5)
        with ctx.sessions() as s:
            categories = [c for c in suggest_for(s, ctx, title, content)["category"] if c["known"]][:3]
    return render(request, "duplicates/_intake_hits.html", {"found": found, "categories": categories,
                                                            "typed": typed})


@router.get("/duplicates/similar/{ticket_id}", name="duplicates_similar")
def similar(request: Request, ticket_id: Id, ctx: Ctx, me: PageUser) -> Response:
    return render(request, "duplicates/_similar.html", {"dup": dup.similar_to(ctx, me, ticket_id),
                                                       "ticket_id": ticket_id})


def _original(form: FormData) -> int:
    v = form.get("original_id")
    if not isinstance(v, str) or not v.isdigit():
        raise InvalidInput("请选择原工单", field="original_id")
    return int(v)


def _reason(form: FormData) -> str | None:
    v = form.get("reason")
    return v.strip()[:2000] or None if isinstance(v, str) else None


@router.post("/duplicates/{ticket_id}/link", name="duplicates_link")
def link(request: Request, ticket_id: Id, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    out = dup.link_repeat(ctx, me, ticket_id, _original(form), _reason(form))
    flash(request, f"已标记为 {out['duplicate_of']} 的重复件（该问题累计重复 {out['repeat_count']} 次）")
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.post("/duplicates/{ticket_id}/merge", name="duplicates_merge")
def merge(request: Request, ticket_id: Id, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    out = dup.merge_into(ctx, me, ticket_id, _original(form), _reason(form))
    flash(request, f"已并入 {out['duplicate_of']}（该问题累计重复 {out['repeat_count']} 次）")
    return RedirectResponse(f"/tickets/{out['original_id']}", status_code=303)


@router.get("/hot-topics", name="hot_topics")
def hot_topics(request: Request, ctx: Ctx, me: PageUser) -> Response:
    raw = request.query_params.get("days") or ""
    days = int(raw) if raw.isdigit() and int(raw) in DAY_CHOICES else ctx.settings.hot_topic_days
    return render(request, "duplicates/hot_topics.html", {"hot": dup.hot_topics(ctx, me, days), "days": days,
                                                         "DAY_CHOICES": DAY_CHOICES})
