"""What each action's form asks for. WHICH actions are offered is never decided here: the ticket page
renders a form only for the entries of `detail["allowed_actions"]` (the transition table and the access
rules); this module only says which payload fields such a form carries, and turns the posted form
back into an ActionPayload."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from qitong.domain.errors import InvalidInput
from qitong.domain.input_errors import field_of, labelled
from qitong.domain.tickets.lifecycle import Action
from qitong.services.tickets.payloads import ActionPayload


@dataclass(frozen=True)
class Field:
    name: str  # an ActionPayload field
    label: str
    kind: str  # textarea | text | number | select | multiselect | rating
    required: bool = False
    options: str | None = None  # the option list: units, categories, complexity, ...
    help: str | None = None


A = Action
REASON = Field("reason", "原因/说明", "textarea")
CLASSIFY = (
    Field("category", "问题分类", "select", options="categories"),
    Field("complexity", "难易程度", "select", options="complexity"),
)
RATINGS = (
    Field("rating_process", "过程评价（办理过程）", "rating", required=True),
    Field("rating_result", "结果评价（办理结果）", "rating", required=True),
)

ACTION_FIELDS: Mapping[Action, tuple[Field, ...]] = {
    A.accept: (Field("ticket_type", "诉求类型", "select", options="ticket_type"), *CLASSIFY,
               Field("urgency", "紧急程度", "select", options="urgency")),
    A.answer_on_the_spot: (Field("reply", "答复内容", "textarea", required=True),),
    A.dispatch: (
        Field("lead_unit_id", "主办单位", "select", required=True, options="units"),
        Field("co_unit_ids", "协办单位", "multiselect", options="units", help="可多选；按住 Ctrl 或 ⌘ 选择多个"),
        *CLASSIFY,
    ),
    A.redispatch: (
        Field("lead_unit_id", "主办单位", "select", options="units", help="不选则交原主办单位重新办理"),
        Field("co_unit_ids", "协办单位", "multiselect", options="units"),
    ),
    A.contact: (Field("contact_method", "联系方式", "select", required=True, options="contact_method"),),
    A.co_opinion: (Field("opinion", "协办意见", "textarea", required=True),),
    A.extension_request: (Field("days", "申请延期（工作日）", "number", required=True),),
    A.extension_approve: (Field("days", "批准天数（工作日）", "number", help="不填则按申请天数批准"),),
    A.reply_draft: (Field("reply", "拟办答复", "textarea", required=True,
                          help="写明办理经过、结果和依据，将经分管负责人审签后答复企业"),),
    A.confirm: (*RATINGS, Field("comment", "评价意见", "textarea")),
    A.rate_dissatisfied: RATINGS,
    A.close: (Field("reason", "办结说明", "textarea", help="企业逾期未确认而直接办结时必填"),),
    A.escalate: (
        Field("to_layer", "提级至层级", "select", options="layer", help="不选则提至上一层级"),
        Field("to_tier", "提级至级别", "select", options="tier"),
    ),
    A.merge: (Field("duplicate_of", "原工单编号", "text", required=True),),
    A.note: (Field("text", "备注内容", "textarea", required=True),),
}


def fields_for(action: str, reason_required: bool) -> tuple[Field, ...]:
    """The fields of one allowed action's form; the reason is required where the table says so."""
    fields = ACTION_FIELDS.get(Action(action), ())
    if reason_required and not any(f.name == "reason" for f in fields):
        fields = (*fields, replace(REASON, required=True))
    return tuple(replace(f, required=True) if f.name == "reason" and reason_required else f for f in fields)


_INTS = frozenset({"lead_unit_id", "days", "rating_process", "rating_result"})


def _value(form: FormData, f: Field) -> Any:
    if f.kind == "multiselect":
        return [int(v) for v in form.getlist(f.name) if isinstance(v, str) and v.strip().isdigit()] or None
    raw = form.get(f.name)
    if not isinstance(raw, str) or not raw.strip():
        return None
    if f.name in _INTS:
        if not raw.strip().isdigit():
            raise InvalidInput(f"“{f.label}”应为整数", field=f.name)
        return int(raw)
    return raw


def parse_payload(action: str, reason_required: bool, form: FormData) -> ActionPayload:
    fields = fields_for(action, reason_required)
    data = {f.name: _value(form, f) for f in fields}
    for f in fields:
        if f.required and data[f.name] is None:
            raise InvalidInput(f"请填写“{f.label}”", field=f.name)
    try:
        return ActionPayload(**{k: v for k, v in data.items() if v is not None})
    except ValidationError as e:
        raise invalid_input(e, {f.name: f.label for f in fields}) from None


def invalid_input(e: ValidationError, labels: Mapping[str, str], *, default_field: str = "",
                  hints: Mapping[str, str] | None = None) -> InvalidInput:
    """A form model's first error as a Chinese message naming the field by its label (the wording is
    `domain.input_errors`'); a model-level check is put on `default_field`."""
    err = e.errors()[0]
    name = field_of(err)
    return InvalidInput(labelled(err, labels.get(name, name or "表单"), hints=hints), field=name or default_field)


async def uploaded(form: FormData, missing: str, too_large: str, limit: int, field: str = "file") -> tuple[str, bytes]:
    """The file a form carries as (name, content), read up to `limit` bytes: a missing or larger file is
    an InvalidInput with the caller's Chinese message."""
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput(missing, field=field)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(too_large, field=field)
    return upload.filename, data


def form_values(form: FormData) -> dict[str, Any]:
    """What the user typed, to put back into the form after a 422 (multi-selects as lists)."""
    out: dict[str, Any] = {}
    for k in form:
        if k == "csrf_token":
            continue
        vals = [v for v in form.getlist(k) if isinstance(v, str)]
        out[k] = vals if len(vals) > 1 else (vals[0] if vals else "")
    return out


# how a button looks: the loop's next step is primary; refusals and send-backs are red; the rest grey
DANGER = frozenset({A.reject, A.return_, A.sign_off_refuse, A.verify_send_back, A.rate_dissatisfied, A.terminate,
                    A.extension_refuse})
QUIET = frozenset({A.note, A.suspend, A.merge, A.escalate, A.insist, A.co_opinion})


@dataclass(frozen=True)
class ActionForm:
    action: str
    label: str
    reason_required: bool
    fields: tuple[Field, ...]
    tone: str  # primary | danger | secondary


def action_forms(allowed: list[dict[str, Any]]) -> list[ActionForm]:
    """One form per allowed action, in the order the transition table gives them, the next step first."""
    forms = [
        ActionForm(a["action"], a["label"], a["reason_required"], fields_for(a["action"], a["reason_required"]),
                   "danger" if Action(a["action"]) in DANGER else
                   "secondary" if Action(a["action"]) in QUIET else "primary")
        for a in allowed
    ]
    order = {"primary": 0, "secondary": 1, "danger": 2}
    return sorted(forms, key=lambda f: order[f.tone])
