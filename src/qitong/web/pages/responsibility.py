"""职责清单 (the responsibility list) as pages: every version, or those in force on a day; admins create a
new version, correct or delete one, import and export Excel; center staff and oversight read. And the
派单异议审核 form of the ticket page: the center's ruling on a department's return."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData

from qitong.domain.errors import DomainError, Forbidden, InvalidInput, NotFound
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import Role
from qitong.services.auth import Principal
from qitong.services.choices import form_choices
from qitong.services.disclosure import search_options
from qitong.services.routing import disputes
from qitong.services.routing import responsibility as resp
from qitong.services.routing import responsibility_xlsx as xlsx
from qitong.web.deps import Ctx
from qitong.web.pages.forms import form_values, invalid_input, uploaded
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute, status_of
from qitong.web.pages.session import PageUser, flash
from qitong.web.pages.tickets import PostedForm
from qitong.web.pages.tickets import _page as ticket_page

router = APIRouter(route_class=PageRoute, include_in_schema=False)
BASE = "/routing/responsibility"
MAX_XLSX = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABELS = {"category_code": "问题分类", "lead_unit_id": "主办单位", "co_unit_ids": "协办单位", "tier": "层级",
          "legal_basis": "法定依据", "keywords": "关键词", "effective_from": "生效日期", "effective_to": "失效日期",
          "note": "备注"}
_SPLIT = re.compile(r"[、,，;；\s]+")


def _admin(me: Principal) -> None:
    if me.actor.role != Role.admin:
        raise Forbidden("只有管理员可以维护职责清单", field="role")


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidInput("日期格式应为 2026-11-23", field="on") from None


def _category_label(ctx: Ctx, code: str) -> str:
    """“用电（factor.power）”: the flash names the category as the list shows it."""
    name = form_choices(ctx).category_name(code)
    return f"“{name}”（{code}）" if name else code


def _entry_in(form: FormData) -> resp.EntryIn:
    """An EntryIn from the posted form; the first error as a Chinese message naming the field."""
    values = form_values(form)
    data: dict[str, Any] = {k: values.get(k) for k in (
        "category_code", "lead_unit_id", "tier", "legal_basis", "effective_from", "effective_to", "note")}
    data["co_unit_ids"] = [int(v) for v in form.getlist("co_unit_ids") if isinstance(v, str) and v.isdigit()]
    data["keywords"] = [w for w in _SPLIT.split(str(values.get("keywords") or "")) if w]
    try:
        return resp.EntryIn(**{k: v for k, v in data.items() if v not in ("", None)})
    except ValidationError as e:
        raise invalid_input(e, LABELS) from None


def _list_page(request: Request, ctx: Ctx, me: Principal, status: int = 200, **extra: Any) -> Response:
    params = request.query_params
    category = params.get("category") or None
    error = extra.pop("error", None)
    try:
        on = _day(params.get("on"))
    except InvalidInput as e:
        on, error, status = None, e, 422
    entries = resp.list_entries(ctx, me, category, on)
    return render(request, "routing/responsibility.html", {
        "entries": entries, "category": category or "", "on": on.isoformat() if on else "",
        "today": ctx.clock.now().astimezone(ctx.policy.tz).date().isoformat(),
        "options": search_options(ctx), "choices": form_choices(ctx), "is_admin": me.actor.role == Role.admin,
        "values": extra.pop("values", {}), "error": error, **extra,
    }, status=status)


@router.get(BASE, name="responsibility_list")
def entries(request: Request, ctx: Ctx, me: PageUser) -> Response:
    return _list_page(request, ctx, me)


@router.get(f"{BASE}/export.xlsx", name="responsibility_export")
def export(ctx: Ctx, me: PageUser) -> Response:
    return Response(xlsx.export_xlsx(ctx, me), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote('职责清单.xlsx')}"})


@router.post(BASE, name="responsibility_create")
def create(request: Request, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    try:
        e = resp.create_entry(ctx, me, _entry_in(form))
    except DomainError as err:
        if request.query_params.get("from"):
            return _edit_page(request, ctx, me, None, form_values(form), err)
        return _list_page(request, ctx, me, status_of(err), values=form_values(form), error=err)
    flash(request, f"已新增职责清单条目：{_category_label(ctx, e['category_code'])} 第 {e['version']} 版")
    return RedirectResponse(f"{BASE}?category={quote(e['category_code'])}", status_code=303)


@router.post(f"{BASE}/import", name="responsibility_import")
async def import_file(request: Request, ctx: Ctx, me: PageUser) -> Response:
    form = await request.form()
    try:
        _name, data = await uploaded(form, "请选择要导入的 Excel 文件（.xlsx）", "文件超过 10 MB", MAX_XLSX)
        report = xlsx.import_xlsx(ctx, me, data).as_dict()
    except DomainError as err:
        return _list_page(request, ctx, me, status_of(err), error=err)
    return _list_page(request, ctx, me, report=report)


def _entry_of(ctx: Ctx, me: Principal, entry_id: int) -> dict[str, Any]:
    e = next((e for e in resp.list_entries(ctx, me) if e["id"] == entry_id), None)
    if e is None:
        raise NotFound(f"职责清单条目 {entry_id} 不存在", field="entry_id")
    return e


def _edit_page(request: Request, ctx: Ctx, me: Principal, entry_id: int | None, values: dict[str, Any] | None,
               error: DomainError | None = None) -> Response:
    """Correct a version in place (entry_id), or a new version prefilled from `?from=` (entry_id None)."""
    _admin(me)
    source = request.query_params.get("from") or ""
    base_id = entry_id or (int(source) if source.isdigit() else None)
    base = _entry_of(ctx, me, base_id) if base_id else None
    if values is None and base is not None:
        values = {**base, "keywords": "、".join(base["keywords"]), "effective_to": base["effective_to"] or ""}
        if entry_id is None:  # a new version starts today and runs until further notice
            values.update(effective_from=ctx.clock.now().astimezone(ctx.policy.tz).date().isoformat(),
                          effective_to="", note="")
    return render(request, "routing/responsibility_edit.html", {
        "entry": base if entry_id else None, "base": base, "values": values or {}, "error": error,
        "options": search_options(ctx), "choices": form_choices(ctx),
    }, status=status_of(error) if error else 200)


@router.get(f"{BASE}/new", name="responsibility_new")
def new(request: Request, ctx: Ctx, me: PageUser) -> Response:
    return _edit_page(request, ctx, me, None, None)


@router.get(BASE + "/{entry_id}", name="responsibility_edit")
def edit(request: Request, ctx: Ctx, me: PageUser, entry_id: Id) -> Response:
    return _edit_page(request, ctx, me, entry_id, None)


@router.post(BASE + "/{entry_id}", name="responsibility_update")
def update(request: Request, ctx: Ctx, me: PageUser, entry_id: Id, form: PostedForm) -> Response:
    try:
        e = resp.update_entry(ctx, me, entry_id, _entry_in(form))
    except DomainError as err:
        return _edit_page(request, ctx, me, entry_id, form_values(form), err)
    flash(request, f"已更正职责清单条目：{_category_label(ctx, e['category_code'])} 第 {e['version']} 版")
    return RedirectResponse(f"{BASE}?category={quote(e['category_code'])}", status_code=303)


@router.post(BASE + "/{entry_id}/delete", name="responsibility_delete")
def delete(request: Request, ctx: Ctx, me: PageUser, entry_id: Id, form: PostedForm) -> Response:
    resp.delete_entry(ctx, me, entry_id)
    flash(request, "已删除职责清单条目")
    return RedirectResponse(BASE, status_code=303)


# ---------------------------------------------------------------------------- 派单异议审核 (ruling)


def _version(form: FormData) -> int | None:
    v = form.get("version")
    return int(v) if isinstance(v, str) and v.isdigit() else None


@router.post("/tickets/{ticket_id}/ruling", name="ticket_ruling")
def ruling(request: Request, ticket_id: Id, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    values = form_values(form)
    decision = str(values.get("decision") or "")
    lead = str(values.get("lead_unit_id") or "")
    co = [int(v) for v in form.getlist("co_unit_ids") if isinstance(v, str) and v.isdigit()]
    try:
        if decision not in disputes.Decision.__members__:
            raise InvalidInput("请选择审核结论", field="decision")
        reason = str(values.get("reason") or "").strip()
        if len(reason) < 2:
            raise InvalidInput("请填写“审核意见”", field="reason")
        data = disputes.RulingIn(decision=disputes.Decision(decision), reason=reason,
                                 lead_unit_id=int(lead) if lead.isdigit() else None,
                                 co_unit_ids=co if "co_unit_ids" in form else None)
        out = disputes.rule_on_return(ctx, me, ticket_id, data, if_match=_version(form))
    except InvalidInput as e:
        action = "dispatch" if decision == "upheld" else "insist"
        return ticket_page(request, ctx, me, ticket_id, 422, open_action=action, values=values, error=e)
    flash(request, f"已审核派单异议：{disputes.DECISION_LABELS[disputes.Decision(out['decision'])]}")
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)
