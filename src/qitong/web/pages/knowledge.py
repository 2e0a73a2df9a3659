"""政策问答 (the knowledge base for everyone, no sign-in), 知识库管理 (center and admins: list, create,
edit, publish, retire), and two htmx fragments: the entries matching what a business types on the
submit page, and the 相似案例与答复 panel of the staff ticket page. docs/knowledge.md."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from qitong.db.models import KnowledgeStatus
from qitong.domain.errors import InvalidInput
from qitong.domain.ids import Id
from qitong.services import knowledge as kb
from qitong.services.auth import Principal
from qitong.services.choices import form_choices
from qitong.services.similar import similar_for_ticket
from qitong.web.deps import Ctx
from qitong.web.pages.forms import form_values, invalid_input
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import flash, require_user
from qitong.web.pages.tickets import PostedForm

router = APIRouter(route_class=PageRoute, include_in_schema=False)

LABELS = {"question": "问题", "answer": "答复", "category": "问题分类", "source": "依据来源",
          "effective_from": "生效日期", "effective_to": "失效日期", "keywords": "关键词"}
FIELDS = tuple(LABELS)
INTAKE_MIN_CHARS = 4  # fewer typed characters than this say too little to search on


def _manager(p: Annotated[Principal, Depends(require_user)]) -> Principal:
    return kb.need_manager(p)


Manager = Annotated[Principal, Depends(_manager)]


def _category(raw: str | None) -> str | None:
    return raw.strip()[:32] if raw and raw.strip() else None


# ------------------------------------------------------------------------------------ public FAQ


@router.get("/faq", name="knowledge_faq")
def faq(request: Request, ctx: Ctx) -> Response:
    q = (request.query_params.get("q") or "").strip()[:200]
    category = _category(request.query_params.get("category"))
    hits = kb.search(ctx, q, category, limit=10) if q else None
    entries = kb.in_force_entries(ctx, category) if not q else []
    return render(request, "knowledge/faq.html", {"q": q, "category": category or "", "hits": hits,
                                                  "entries": entries, "choices": form_choices(ctx)})


@router.get("/knowledge/intake", name="knowledge_intake")
def intake(request: Request, ctx: Ctx) -> Response:
    """The htmx fragment under the submit form: entries answering what is being typed."""
    text = " ".join((request.query_params.get(k) or "").strip()[:1000] for k in ("title", "content")).strip()
    enough = len(text) >= INTAKE_MIN_CHARS
    hits = kb.search(ctx, text, limit=3) if enough else []
    return render(request, "knowledge/_intake_hits.html", {"hits": hits, "typed": enough})


# ------------------------------------------------------------------------------- similar cases


@router.get("/knowledge/similar/{ticket_id}", name="knowledge_similar")
def similar(request: Request, ticket_id: Id, ctx: Ctx, me: Annotated[Principal, Depends(require_user)]) -> Response:
    return render(request, "knowledge/_similar.html", {"sim": similar_for_ticket(ctx, me, ticket_id)})


# -------------------------------------------------------------------------------------- manage


def _input(values: dict[str, Any]) -> kb.KnowledgeInput:
    data = {k: v for k in FIELDS if isinstance(v := values.get(k), str) and v.strip()}
    try:
        return kb.KnowledgeInput(**data)
    except ValidationError as e:
        raise invalid_input(e, LABELS, default_field="effective_to") from None


def _status(raw: str | None) -> KnowledgeStatus | None:
    return KnowledgeStatus(raw) if raw and raw in KnowledgeStatus._value2member_map_ else None


@router.get("/knowledge/manage", name="knowledge_manage")
def manage(request: Request, ctx: Ctx, me: Manager) -> Response:
    status = _status(request.query_params.get("status"))
    q = (request.query_params.get("q") or "").strip()[:100]
    listed = kb.list_entries(ctx, me, status, q)
    return render(request, "knowledge/manage.html", {"listed": listed, "status": status.value if status else "",
                                                     "q": q, "choices": form_choices(ctx),
                                                     "STATUS_LABELS": kb.STATUS_LABELS})


def _edit_page(request: Request, ctx: Ctx, entry: dict[str, Any] | None, values: dict[str, Any],
               error: InvalidInput | None = None, status: int = 200) -> Response:
    return render(request, "knowledge/edit.html", {"entry": entry, "values": values, "error": error,
                                                   "choices": form_choices(ctx)}, status=status)


def _values_of(entry: dict[str, Any]) -> dict[str, Any]:
    return {**{k: entry.get(k) or "" for k in FIELDS}, "keywords": "、".join(entry["keywords"]),
            "version": entry["version"]}


@router.get("/knowledge/manage/new", name="knowledge_new")
def new(request: Request, ctx: Ctx, me: Manager) -> Response:
    return _edit_page(request, ctx, None, {"effective_from": kb.today(ctx).isoformat()})


@router.post("/knowledge/manage/new", name="knowledge_create")
def create(request: Request, ctx: Ctx, me: Manager, form: PostedForm) -> Response:
    values = form_values(form)
    try:
        e = kb.create_entry(ctx, me, _input(values), publish=values.get("publish") == "1")
    except InvalidInput as err:
        return _edit_page(request, ctx, None, values, err, 422)
    flash(request, "知识条目已发布" if e["status"] == "published" else "知识条目已保存为草稿")
    return RedirectResponse(f"/knowledge/manage/{e['id']}", status_code=303)


@router.get("/knowledge/manage/{entry_id}", name="knowledge_edit")
def edit(request: Request, entry_id: Id, ctx: Ctx, me: Manager) -> Response:
    e = kb.get_entry(ctx, me, entry_id)
    return _edit_page(request, ctx, e, _values_of(e))


def _posted_version(values: dict[str, Any]) -> int | None:
    v = values.get("version")
    return int(v) if isinstance(v, str) and v.isdigit() else None


@router.post("/knowledge/manage/{entry_id}", name="knowledge_update")
def update(request: Request, entry_id: Id, ctx: Ctx, me: Manager, form: PostedForm) -> Response:
    values = form_values(form)
    try:
        kb.update_entry(ctx, me, entry_id, _input(values), _posted_version(values))
    except InvalidInput as err:
        return _edit_page(request, ctx, kb.get_entry(ctx, me, entry_id), values, err, 422)
    flash(request, "知识条目已保存")
    return RedirectResponse(f"/knowledge/manage/{entry_id}", status_code=303)


@router.post("/knowledge/manage/{entry_id}/publish", name="knowledge_publish")
def publish(request: Request, entry_id: Id, ctx: Ctx, me: Manager, form: PostedForm) -> Response:
    kb.publish_entry(ctx, me, entry_id, _posted_version(form_values(form)))
    flash(request, "知识条目已发布，企业即可检索到")
    return RedirectResponse(f"/knowledge/manage/{entry_id}", status_code=303)


@router.post("/knowledge/manage/{entry_id}/retire", name="knowledge_retire")
def retire(request: Request, entry_id: Id, ctx: Ctx, me: Manager, form: PostedForm) -> Response:
    values = form_values(form)
    kb.retire_entry(ctx, me, entry_id, str(values.get("reason") or ""), _posted_version(values))
    flash(request, "知识条目已停用，不再对外检索")
    return RedirectResponse(f"/knowledge/manage/{entry_id}", status_code=303)

