"""多渠道录入: the intake channels beyond the portal as pages, for the people who use them — 12345 work
orders imported from a file with a field mapping (center staff), the problems gathered at a forum
(座谈会) or a visit (走访) entered as one batch (center staff), and a problem assigned by a leader or
found by supervision, inspection or the center itself (the center; leaders and supervisors for their
own channels). The rules are the services' (services/tickets/channels.py); see docs/routing.md."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from qitong.domain.errors import DomainError, Forbidden, InvalidInput
from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, Role
from qitong.domain.tickets.vocab import CHANNEL_LABELS, TICKET_TYPE_LABELS, Channel
from qitong.services.auth import Principal
from qitong.services.choices import form_choices
from qitong.services.tickets import channels
from qitong.services.tickets.intake import Created, TicketCreate
from qitong.web.deps import Ctx
from qitong.web.pages.forms import form_values, invalid_input, uploaded
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute, status_of
from qitong.web.pages.session import PageUser, flash
from qitong.web.pages.tickets import PostedForm

router = APIRouter(route_class=PageRoute, include_in_schema=False)
BASE = "/channels"
MAX_FILE = 50 * 1024 * 1024
ROWS = 10  # batch rows shown at first; "再加 10 行" adds more, up to the service's MAX_BATCH
# what a county's 12345 export usually calls its columns (docs/routing.md); the form shows it to edit
DEFAULT_MAPPING = """{"source": "12345",
 "fields": {"工单编号": "source_id", "标题": "title", "诉求内容": "content", "来电人": "submitter_name",
            "联系电话": "submitter_phone", "企业名称": "enterprise_name", "诉求类型": "ticket_type",
            "来电时间": "received_at"},
 "defaults": {"urgency": "normal"}}"""
LABELS = {"title": "标题", "content": "问题描述", "ticket_type": "诉求类型", "category": "问题分类",
          "submitter_name": "联系人", "submitter_phone": "联系电话", "enterprise_name": "企业名称",
          "enterprise_uscc": "统一社会信用代码", "origin": "来源说明", "channel": "渠道"}
ITEM_FIELDS = ("enterprise_name", "enterprise_uscc", "submitter_name", "submitter_phone", "title", "content",
               "ticket_type", "category")
_SELECTS = frozenset({"ticket_type", "category"})
BATCH_CHANNELS = (Channel.forum, Channel.visit)
ASSIGNED_CHANNELS = (Channel.leader_assigned, Channel.supervision_found, Channel.inspection_found,
                     Channel.proactive)
_ASSIGNED_BY = {Role.leader: (Channel.leader_assigned,),
                Role.supervisor: (Channel.supervision_found, Channel.inspection_found),
                **{r: (Channel.proactive,) for r in DEPARTMENT_ROLES}}


def _assigned_channels(me: Principal) -> tuple[Channel, ...]:
    return ASSIGNED_CHANNELS if me.actor.role in CENTER_ROLES else _ASSIGNED_BY.get(me.actor.role, ())


def _may_open(me: Principal) -> None:
    if not _assigned_channels(me):
        raise Forbidden("当前角色不能使用多渠道录入", field="role")


def _page(request: Request, ctx: Ctx, me: Principal, status: int = 200, **extra: Any) -> Response:
    values: dict[str, Any] = {"mapping_json": DEFAULT_MAPPING, "batch_channel": "forum",
                              "assigned_channel": _assigned_channels(me)[0].value, **extra.pop("values", {})}
    rows = max(ROWS, min(channels.MAX_BATCH, int(extra.pop("rows", ROWS))))
    return render(request, "channels/index.html", {
        "center": me.actor.role in CENTER_ROLES, "rows": rows, "values": values, "default_mapping": DEFAULT_MAPPING,
        "batch_channels": [(c.value, CHANNEL_LABELS[c]) for c in BATCH_CHANNELS],
        "assigned_channels": [(c.value, CHANNEL_LABELS[c]) for c in _assigned_channels(me)],
        "ticket_types": [(t.value, label) for t, label in TICKET_TYPE_LABELS.items()],
        "choices": form_choices(ctx), "error": extra.pop("error", None), "section": extra.pop("section", None),
        **extra,
    }, status=status)


@router.get(BASE, name="channels")
def index(request: Request, ctx: Ctx, me: PageUser) -> Response:
    _may_open(me)
    return _page(request, ctx, me)


@router.post(f"{BASE}/12345", name="channels_import")
async def import_file(request: Request, ctx: Ctx, me: PageUser) -> Response:
    _may_open(me)
    form = await request.form()
    values = {"mapping_json": str(form.get("mapping_json") or "")}
    try:
        name, data = await uploaded(form, "请选择要导入的工单文件（.xlsx、.csv 或 .json）",
                                    "文件超过 50 MB，请分批导入", MAX_FILE)
        if not values["mapping_json"].strip():
            raise InvalidInput("请填写字段映射", field="mapping_json")
        report = channels.import_hotline(ctx, me, name, data, values["mapping_json"]).as_dict()
    except DomainError as err:
        if err.field == "mapping":  # the service's name for what this form calls mapping_json
            err.field = "mapping_json"
        return _page(request, ctx, me, status_of(err), values=values, error=err, section="import")
    return _page(request, ctx, me, values=values, report=report, report_file=name, section="import")


def _similar_note(created: list[Created]) -> str:
    """"；疑似重复：QT…与 QT…相似" for the new tickets that look like open or recent ones."""
    pairs = [f"{c.number} 与 {'、'.join(c.similar)} 相似" for c in created if c.similar]
    return f"。疑似重复：{'；'.join(pairs)}，请核对后合并或关联" if pairs else ""


def _item(values: dict[str, Any], i: int) -> dict[str, str]:
    return {f: str(values.get(f"items-{i}-{f}") or "").strip() for f in ITEM_FIELDS}


def _ticket(data: dict[str, str], where: str = "") -> TicketCreate:
    try:
        return TicketCreate(**{k: v for k, v in data.items() if v})
    except ValidationError as e:
        err = invalid_input(e, LABELS)
        raise InvalidInput(f"{where}{err.message}", field=err.field) from None


@router.post(f"{BASE}/batch", name="channels_batch")
def batch(request: Request, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    _may_open(me)
    values = form_values(form)
    raw_rows = str(values.get("rows") or "")
    rows = min(max(int(raw_rows), ROWS), channels.MAX_BATCH) if raw_rows.isdigit() else ROWS  # never trust it
    if values.get("more"):  # "再加 10 行": the same form back, with what was typed
        return _page(request, ctx, me, values=values, rows=rows + ROWS, section="batch")
    try:
        if me.actor.role not in CENTER_ROLES:
            raise Forbidden("只有企业服务中心可以批量录入座谈会、走访收集的问题", field="role")
        # a row counts when something was typed in it: the selects (type, category) always post a value
        typed = [(i, _item(values, i)) for i in range(rows)]
        filled = [(i, item) for i, item in typed if any(v for k, v in item.items() if k not in _SELECTS)]
        if not filled:
            raise InvalidInput("请至少填写一条问题", field="items-0-title")
        items = []
        for n, (i, item) in enumerate(filled, start=1):
            try:
                items.append(_ticket(item, f"第 {n} 条："))
            except InvalidInput as e:
                e.field = f"items-{i}-{e.field}" if e.field else f"items-{i}-title"
                raise
        data = channels.BatchIn(channel=str(values.get("batch_channel") or ""),
                                origin=str(values.get("batch_origin") or ""), items=items)
    except ValidationError as e:
        err = invalid_input(e, LABELS)
        field = {"channel": "batch_channel", "origin": "batch_origin"}.get(err.field or "", err.field)
        return _page(request, ctx, me, 422, values=values, rows=rows, section="batch",
                     error=InvalidInput(err.message, field=field))
    except DomainError as err:
        return _page(request, ctx, me, status_of(err), values=values, rows=rows, error=err, section="batch")
    try:
        created = channels.batch_intake(ctx, me, data)
    except DomainError as err:  # the service names the item: "第 n 条：…", field items[k].name
        if err.field and err.field.startswith("items["):
            k = int(err.field[6:err.field.index("]")])
            rest = err.field[err.field.index("]") + 2:] or "title"
            err.field = f"items-{filled[k][0]}-{rest}"
        return _page(request, ctx, me, status_of(err), values=values, rows=rows, error=err, section="batch")
    flash(request, f"已录入 {len(created)} 条问题：{'、'.join(c.number for c in created)}{_similar_note(created)}")
    return RedirectResponse(f"/workbench?queue=all&channel={data.channel.value}", status_code=303)


@router.post(f"{BASE}/assigned", name="channels_assigned")
def assigned(request: Request, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    _may_open(me)
    values = form_values(form)
    try:
        ticket = _ticket({f: str(values.get(f) or "").strip() for f in ITEM_FIELDS})
        data = channels.AssignedIn(channel=str(values.get("assigned_channel") or ""),
                                   origin=str(values.get("assigned_origin") or ""), ticket=ticket)
        created = channels.assigned_intake(ctx, me, data)
    except ValidationError as e:
        err = invalid_input(e, LABELS)
        field = {"channel": "assigned_channel", "origin": "assigned_origin"}.get(err.field or "", err.field)
        return _page(request, ctx, me, 422, values=values, section="assigned",
                     error=InvalidInput(err.message, field=field))
    except DomainError as err:
        return _page(request, ctx, me, status_of(err), values=values, error=err, section="assigned")
    flash(request, f"已录入：{created.number}（{CHANNEL_LABELS[data.channel]}）{_similar_note([created])}")
    if me.actor.role in DEPARTMENT_ROLES:  # it goes to the center first; a department sees what is sent to it
        return RedirectResponse(f"{BASE}#assigned-form", status_code=303)
    return RedirectResponse(f"/tickets/{created.ticket_id}", status_code=303)
