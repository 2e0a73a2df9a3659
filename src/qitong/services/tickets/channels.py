"""Intake channels beyond the portal and the API (docs/routing.md): 12345 work orders imported in bulk
with an idempotent upsert on (source, source_id); problems gathered at a forum or a visit entered as
one batch with a shared origin note; leader-assigned, supervision-found and proactively found problems
with their origin recorded. Every ticket is audited and enqueued like any other submission."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qitong.adapters.hotline import FieldMapping, SourceRow, UnreadableFile, parse_mapping, read_rows
from qitong.db.models import Enterprise, Ticket
from qitong.domain.errors import DomainError, Forbidden, InvalidInput
from qitong.domain.input_errors import field_of, labelled
from qitong.domain.tickets.access import Actor
from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, Role, Status
from qitong.domain.tickets.vocab import TICKET_TYPE_LABELS, URGENCY_LABELS, Channel
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.intake import Created, TicketCreate, _check_refs, insert_ticket

MAX_BATCH = 100
MAX_IMPORT_ROWS = 20000


def hotline_importer() -> Principal:
    """The command-line import acts as a center agent named for the channel (no user row)."""
    return Principal(Actor(0, Role.center_agent), "cli-12345", "12345工单导入（命令行）")


add_ticket = insert_ticket  # the channels' name for the shared insert


# --- 12345 bulk import ------------------------------------------------------------------------------

@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    # rows whose source changed after the center had accepted the ticket: reported, not applied
    stale: list[dict[str, Any]] = field(default_factory=list)
    # new tickets that look like open or recent ones (same matter again, or from another channel)
    similar: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "failed": len(self.errors), "errors": self.errors, "stale": self.stale, "similar": self.similar}


_TYPE_NAMES = {label: t.value for t, label in TICKET_TYPE_LABELS.items()} | {"求助": "help", "办事协调": "help"}
_URGENCY_NAMES = {label: u.value for u, label in URGENCY_LABELS.items()}
# the fields an upsert compares and, while the ticket is still 待受理, updates
_SYNCED = ("title", "content", "submitter_name", "submitter_phone", "ticket_type", "category", "urgency")


def _create_from(row: SourceRow) -> TicketCreate:
    v = dict(row.values)
    if not v.get("source_id"):
        raise InvalidInput("缺少源系统工单编号", field="source_id")
    if len(v["source_id"]) > 64:
        raise InvalidInput("源系统工单编号超过 64 个字符", field="source_id")
    content = v.get("content", "")
    if not v.get("title") and content:
        v["title"] = content[:30]
    v["ticket_type"] = _TYPE_NAMES.get(v.get("ticket_type", ""), v.get("ticket_type") or "help")
    v["urgency"] = _URGENCY_NAMES.get(v.get("urgency", ""), v.get("urgency") or "normal")
    v.setdefault("submitter_name", "12345来电人")
    v.setdefault("submitter_phone", "12345")
    fields = {k: v[k] for k in TicketCreate.model_fields if k in v and k != "channel"}
    return TicketCreate.model_validate({**fields, "channel": Channel.hotline_12345})


def import_hotline(ctx: Context, p: Principal, filename: str, content: bytes,
                   mapping: FieldMapping | bytes | str) -> ImportReport:
    """Each row in its own transaction: a bad row is reported with its line and the others land."""
    if p.actor.role not in CENTER_ROLES:
        raise Forbidden("只有中心工作人员可以导入 12345 工单", field="role")
    try:
        m = mapping if isinstance(mapping, FieldMapping) else parse_mapping(mapping)
    except UnreadableFile as e:
        raise InvalidInput(str(e), field="mapping") from None
    try:
        rows = list(read_rows(filename, content, m))
    except UnreadableFile as e:
        raise InvalidInput(str(e), field="file") from None
    if len(rows) > MAX_IMPORT_ROWS:
        raise InvalidInput(f"一次最多导入 {MAX_IMPORT_ROWS} 条，请分批导入", field="file")
    report = ImportReport()
    for row in rows:
        sid = row.values.get("source_id")
        try:
            found: list[str] = []
            outcome = _upsert(ctx, p, m.source, row, found)
        except ValidationError as e:
            err = e.errors()[0]
            report.errors.append({"line": row.line, "source_id": sid, "field": field_of(err),
                                  "reason": _reason(err)})
        except DomainError as e:
            report.errors.append({"line": row.line, "source_id": sid, "field": e.field, "reason": e.message})
        except IntegrityError:
            report.unchanged += 1  # the same row landed through a concurrent import
        else:
            if outcome == "stale":
                report.unchanged += 1
                report.stale.append({"line": row.line, "source_id": sid,
                                     "reason": "工单已受理，源数据的修改未同步，请人工核对"})
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
                if found:
                    report.similar.append({"line": row.line, "source_id": sid, "similar": found[:3]})
    return report


_FIELD_NAMES = {"title": "标题", "content": "内容", "ticket_type": "诉求类型", "category": "问题分类",
                "urgency": "紧急程度", "complexity": "难易程度", "submitter_name": "来电人",
                "submitter_phone": "联系电话", "enterprise_name": "企业名称", "enterprise_uscc": "统一社会信用代码",
                "region_code": "行政区划代码", "received_at": "来电时间", "origin": "来源说明"}


def _reason(err: Any) -> str:
    """A row's first validation error in Chinese, naming the field as the import's users know it."""
    name = field_of(err)
    return labelled(err, _FIELD_NAMES.get(name, name), missing="缺少")


_CALL_TIME = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
                        r"(?:[ T]*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})秒?)?分?)?")


def _call_time(raw: str) -> datetime:
    """ISO first (offsets included); then what spreadsheets and hotline exports write: 2026/11/20 9:05,
    2026-1-5, 2026年11月20日 09:30 (naive: the caller adds the local zone)."""
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        m = _CALL_TIME.fullmatch(raw)
        if m is None:
            raise
        y, mo, d, h, mi, sec = (int(x) if x else 0 for x in m.groups())
        return datetime(y, mo, d, h, mi, sec)  # noqa: DTZ001 - made aware by the caller


def _received_at(raw: str | None, ctx: Context, now: datetime) -> datetime | None:
    """The hotline's own time of the call: ISO, or a spreadsheet's "2026/11/20 9:05" / "2026年11月20日 09:30"
    (local time without an offset), not in the future. Recorded in the submit event."""
    if not raw or not raw.strip():
        return None
    try:
        at = _call_time(raw.strip())
    except ValueError:
        raise InvalidInput(f"来电时间“{raw.strip()[:40]}”格式不正确（例如 2026-11-20 09:30）",
                           field="received_at") from None
    at = at if at.tzinfo is not None else at.replace(tzinfo=ctx.policy.tz)
    if at > now + timedelta(hours=1):
        raise InvalidInput(f"来电时间 {at.astimezone(ctx.policy.tz):%Y-%m-%d %H:%M} 晚于当前时间", field="received_at")
    return at


def _upsert(ctx: Context, p: Principal, source: str, row: SourceRow, found: list[str]) -> str:
    data = _create_from(row)
    sid = row.values["source_id"]
    with ctx.sessions.begin() as s:
        now = ctx.clock.now()
        t = s.scalars(select(Ticket).where(Ticket.source == source, Ticket.source_id == sid)
                      .with_for_update()).one_or_none()
        if t is None:
            data = _known_enterprise(s, data)
            received = _received_at(row.values.get("received_at"), ctx, now)
            extra = {"source_received_at": received.isoformat()} if received else None
            add_ticket(s, ctx, p, data, now, source=source, source_id=sid, origin=row.values.get("origin"),
                       audit=extra, found=found)
            return "created"
        new = {k: getattr(data, k) for k in _SYNCED}
        old = {k: getattr(t, k) for k in _SYNCED}
        changed = {k: v for k, v in new.items() if v != old[k]}
        if not changed:
            return "unchanged"
        if t.status != Status.submitted:
            return "stale"
        _check_refs(s, p, data)
        for k, v in changed.items():
            setattr(t, k, v)
        t.updated_at = now
        s.flush()
        record(s, p.who, at=now, entity="ticket", entity_id=t.id, ticket_id=t.id, action="import_update",
               before={k: _plain(old[k]) for k in changed}, after={k: _plain(v) for k, v in changed.items()},
               data={"source": source, "source_id": sid, "line": row.line})
        return "updated"


def _known_enterprise(s: Session, data: TicketCreate) -> TicketCreate:
    """A 12345 order names the business; when exactly one registered enterprise has that name, link it."""
    if data.enterprise_id is not None or data.enterprise_uscc or not data.enterprise_name:
        return data
    ids = list(s.scalars(select(Enterprise.id).where(Enterprise.name == data.enterprise_name).limit(2)))
    return data.model_copy(update={"enterprise_id": ids[0]}) if len(ids) == 1 else data


def _plain(v: Any) -> Any:
    return getattr(v, "value", v)


# --- forum / visit batches, assigned and found problems ---------------------------------------------

class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Literal[Channel.forum, Channel.visit] = Field(description="forum 政企座谈会 / visit 走访")
    origin: str = Field(min_length=2, max_length=500, description="来源说明，如“2026年11月湖东镇政企座谈会”")
    items: list[TicketCreate] = Field(min_length=1, max_length=MAX_BATCH)


class AssignedIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Literal[Channel.leader_assigned, Channel.supervision_found, Channel.inspection_found,
                     Channel.proactive]
    origin: str = Field(min_length=2, max_length=500, description="交办领导及批示、督查或检查名称、发现经过")
    ticket: TicketCreate


_MAY_RAISE: dict[Channel, frozenset[Role]] = {
    Channel.forum: CENTER_ROLES,
    Channel.visit: CENTER_ROLES,
    Channel.leader_assigned: CENTER_ROLES | {Role.leader},
    Channel.supervision_found: CENTER_ROLES | {Role.supervisor},
    Channel.inspection_found: CENTER_ROLES | {Role.supervisor},
    # 主动查找: departments and towns find problems through their own duties too (seed 01, 四(一)1)
    Channel.proactive: CENTER_ROLES | DEPARTMENT_ROLES,
}


def _may(p: Principal, channel: Channel) -> None:
    if p.actor.role not in _MAY_RAISE[channel]:
        raise Forbidden("当前角色不能通过该渠道录入问题", field="channel")


def batch_intake(ctx: Context, p: Principal, data: BatchIn) -> list[Created]:
    """A forum's or a visit's problems in one transaction: all land, or none and the bad item is named."""
    _may(p, data.channel)
    with ctx.sessions.begin() as s:
        now = ctx.clock.now()
        out: list[Created] = []
        for i, item in enumerate(data.items):
            found: list[str] = []
            try:
                t = add_ticket(s, ctx, p, item.model_copy(update={"channel": data.channel}), now,
                               origin=data.origin, audit={"batch_size": len(data.items), "batch_item": i + 1},
                               found=found)
            except DomainError as e:
                e.field = f"items[{i}].{e.field}" if e.field else f"items[{i}]"
                e.message = f"第 {i + 1} 条：{e.message}"
                raise
            out.append(Created(t.id, t.number or "", t.query_code, replayed=False, similar=tuple(found[:3])))
        return out


def assigned_intake(ctx: Context, p: Principal, data: AssignedIn) -> Created:
    _may(p, data.channel)
    with ctx.sessions.begin() as s:
        found: list[str] = []
        t = add_ticket(s, ctx, p, data.ticket.model_copy(update={"channel": data.channel}), ctx.clock.now(),
                       origin=data.origin, found=found)
        return Created(t.id, t.number or "", t.query_code, replayed=False, similar=tuple(found[:3]))
