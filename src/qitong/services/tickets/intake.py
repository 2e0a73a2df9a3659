"""Taking a problem in: validation, the number, the first deadline, audit and outbox, at once."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from qitong.db.bulk import write_tables
from qitong.db.models import Category, Department, Enterprise, IdempotencyKey, Region, Ticket
from qitong.domain.errors import Conflict, Forbidden, InvalidInput
from qitong.domain.identity import InvalidUSCC, validate_uscc
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, Role, Status
from qitong.domain.tickets.vocab import Channel, Complexity, Layer, TicketType, Tier, Urgency
from qitong.services import duplicates
from qitong.services.audit import outbox_rows, record_rows
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.queries import new_ticket_detail
from qitong.services.tickets.schedule import Scheduler
from qitong.services.tickets.snapshot import snapshot
from qitong.services.tickets.timers import first_row as first_timer

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8}|12345)$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, line feed, carriage return
ENTERPRISE_CHANNELS = frozenset({Channel.web, Channel.app, Channel.qr})


class TicketCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=4, max_length=200, description="诉求标题")
    content: str = Field(min_length=10, max_length=10000, description="诉求内容")
    ticket_type: TicketType = TicketType.help
    category: str | None = Field(default=None, max_length=32)
    channel: Channel = Channel.web
    complexity: Complexity = Complexity.simple
    urgency: Urgency = Urgency.normal
    confidential: bool = False
    region_code: str | None = Field(default=None, max_length=12)
    submitter_name: str = Field(min_length=1, max_length=64)
    submitter_phone: str = Field(max_length=32)
    enterprise_id: Id | None = None
    enterprise_uscc: str | None = Field(default=None, max_length=32)
    enterprise_name: str | None = Field(default=None, max_length=128)
    reported_department_id: Id | None = None
    # where a QR code (扫码反映) was posted: a window, a region or a poster (services/intake_codes.py);
    # recorded in the submit event's audit data only
    qr_source: str | None = Field(default=None, max_length=40, pattern=r"^[a-z]-[a-z0-9_\-]{1,32}$")

    @field_validator("title", "content", "submitter_name", "enterprise_name")
    @classmethod
    def _printable(cls, v: str | None) -> str | None:
        # a control character (NUL above all: PostgreSQL cannot store it) is pasted, never meant
        if v is not None and CONTROL.search(v):
            raise ValueError("含有不可见的控制字符（可能是从其他软件复制时带入的），请删除后重新填写")
        return v

    @field_validator("submitter_phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        v = v.replace(" ", "")
        if not PHONE.match(v):
            raise ValueError("联系电话格式不正确：请填写11位手机号或带区号的座机号")
        return v

    @field_validator("enterprise_uscc")
    @classmethod
    def _uscc(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        try:
            return validate_uscc(v)
        except InvalidUSCC as e:
            raise ValueError(e.reason) from None


@dataclass(frozen=True)
class Created:
    ticket_id: int
    number: str
    query_code: str
    replayed: bool
    # the new ticket's ticket_detail, built in the transaction without re-reading it (None on a replay)
    detail: dict[str, Any] | None = None
    # staff channels: the numbers of near-duplicates found at intake, most similar first
    similar: tuple[str, ...] = ()


def create_ticket(
    ctx: Context, p: Principal, data: TicketCreate, idempotency_key: str | None = None
) -> Created:
    request_hash = hashlib.sha256(
        json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest() if idempotency_key else ""
    with ctx.sessions.begin() as s:
        if idempotency_key:
            prior = s.scalars(
                select(IdempotencyKey).where(
                    IdempotencyKey.user_id == p.actor.user_id, IdempotencyKey.key == idempotency_key
                )
            ).one_or_none()
            if prior is not None:
                if prior.request_sha256 != request_hash:
                    raise Conflict(
                        "Idempotency-Key 已用于另一份不同的请求，请换一个新的键", field="Idempotency-Key"
                    )
                r = prior.response
                return Created(r["ticket_id"], r["number"], r["query_code"], replayed=True)
        now = ctx.clock.now()
        channel = data.channel if p.actor.role != Role.enterprise_user else _own_channel(data)
        t = insert_ticket(s, ctx, p, data.model_copy(update={"channel": channel}), now,
                          audit={"qr_source": data.qr_source} if data.qr_source else None)
        assert t.number is not None
        out = Created(t.id, t.number, t.query_code, replayed=False, detail=new_ticket_detail(ctx, p, t))
        if idempotency_key:
            s.add(IdempotencyKey(user_id=p.actor.user_id, key=idempotency_key, request_sha256=request_hash,
                                 status_code=201, response=_response(out), created_at=now))
        return out


def insert_ticket(s: Session, ctx: Context, p: Principal, data: TicketCreate, now: datetime, *,
                  source: str | None = None, source_id: str | None = None, origin: str | None = None,
                  audit: dict[str, Any] | None = None, found: list[str] | None = None) -> Ticket:
    """Insert a submitted ticket inside the caller's transaction: first deadline, number, audit event
    and outbox row. Every channel (portal, API, 12345 import, forum batch, assigned) comes through here.
    `found`, when given, receives the numbers of the open or recent near-duplicates the lookup found."""
    held = _prefetch(s, p, data)  # held: the session's identity map keeps only weak references
    ent = _enterprise(s, p, data)
    region_id = _region(s, data, ent)
    _check_refs(s, p, data)
    del held
    t = Ticket(
        number=None, query_code=f"{secrets.randbelow(10**6):06d}", channel=data.channel,
        enterprise_id=ent.id if ent else None, enterprise_name=ent.name if ent else (data.enterprise_name or ""),
        submitted_by_id=p.actor.user_id or None, submitter_name=data.submitter_name,
        submitter_phone=data.submitter_phone, title=data.title, content=data.content, ticket_type=data.ticket_type,
        category=data.category, complexity=data.complexity, urgency=data.urgency, confidential=data.confidential,
        region_id=region_id, reported_department_id=data.reported_department_id, layer=Layer.board,
        tier=Tier.county, status=Status.submitted, sla_profile=ctx.profile_for(data.ticket_type).code,
        submitted_at=now, created_at=now, updated_at=now, source=source, source_id=source_id, origin=origin,
    )
    sched = Scheduler(ctx.calendars.get(s), ctx.policy, ctx.profile_for(data.ticket_type))
    sched.enter_stage(t, Status.submitted, now)
    # the number carries the id: on PostgreSQL the id is drawn from the sequence first, so the row is
    # written once (an UPDATE after the INSERT re-indexes the whole wide row); SQLite numbers after it
    if s.get_bind().dialect.name == "postgresql":
        t.id = s.scalar(text("SELECT nextval(pg_get_serial_sequence('tickets', 'id'))"))
        t.number = _number(ctx, t.id, now)
    s.add(t)
    s.flush()
    if t.number is None:
        t.number = _number(ctx, t.id, now)
        s.flush()
    extra = {k: v for k, v in {"source": source, "source_id": source_id, "origin": origin}.items() if v}
    ix = duplicates.before_insert(s, ctx, t, now)  # near-duplicates (docs/duplicates.md)
    if found is not None:
        found.extend(h.number for h in ix.hits)
    seq, audit_rows = record_rows(
        s, p.who, at=now, entity="ticket", entity_id=t.id, ticket_id=t.id, action="submit", after=snapshot(t),
        data={"number": t.number, "channel": t.channel.value, **extra, **(audit or {})})
    outbox = outbox_rows(topic="ticket.submit", key=f"audit:{seq}", ticket_id=t.id, at=now,
                         payload={"ticket_id": t.id, "number": t.number, "action": "submit",
                                  "status": t.status.value, "enterprise_id": t.enterprise_id,
                                  "channel": t.channel.value})
    # the first timer, the audit event, the chain head, the outbox row and the index rows: one round trip
    timer = first_timer(t, sched.cal, ctx.policy, ctx.settings)
    write_tables(s.connection(), [timer, *audit_rows, outbox, *ix.rows])
    duplicates.after_insert(s, ctx, t, now, ix)  # a concentrated report, if this ticket completes one
    return t


def _number(ctx: Context, ticket_id: int, now: datetime) -> str:
    return f"QT{now.astimezone(ctx.policy.tz):%Y%m%d}{ticket_id:06d}"


def _response(c: Created) -> dict[str, Any]:
    return {"ticket_id": c.ticket_id, "number": c.number, "query_code": c.query_code}


def _own_channel(data: TicketCreate) -> Channel:
    """An enterprise user submits through its own channels only; anything else is staff intake."""
    return data.channel if data.channel in ENTERPRISE_CHANNELS else Channel.web


def _prefetch(s: Session, p: Principal, data: TicketCreate) -> list[Any]:
    """A business's submission needs its enterprise and the category: one round trip loads both into the
    session, where the checks below then find them (while the caller holds what this returns)."""
    if p.actor.role == Role.enterprise_user and p.actor.enterprise_id is not None and data.category is not None:
        return list(s.execute(select(Enterprise, Category).outerjoin(Category, Category.code == data.category)
                              .where(Enterprise.id == p.actor.enterprise_id)).all())
    return []


def _enterprise(s: Any, p: Principal, data: TicketCreate) -> Enterprise | None:
    if p.actor.role == Role.enterprise_user:
        if p.actor.enterprise_id is None:
            raise Forbidden("该账号未绑定企业，不能提交诉求", field="enterprise_id")
        if data.enterprise_id not in (None, p.actor.enterprise_id):
            raise Forbidden("只能以本企业名义提交诉求", field="enterprise_id")
        ent: Enterprise | None = s.get(Enterprise, p.actor.enterprise_id)
        return ent
    # staff record problems for a business; a department only what it found itself (主动查找)
    found_it = p.actor.role in DEPARTMENT_ROLES and data.channel == Channel.proactive
    if p.actor.role not in CENTER_ROLES and p.actor.role not in (Role.supervisor, Role.leader) and not found_it:
        raise Forbidden("当前角色不能录入诉求", field="role")
    if data.enterprise_id is not None:
        ent = s.get(Enterprise, data.enterprise_id)
        if ent is None:
            raise InvalidInput(f"企业 {data.enterprise_id} 不存在", field="enterprise_id")
        return ent
    if data.enterprise_uscc:
        ent = s.scalars(select(Enterprise).where(Enterprise.uscc == data.enterprise_uscc)).one_or_none()
        if ent is None and not data.enterprise_name:
            raise InvalidInput("该统一社会信用代码未登记，请同时填写企业名称", field="enterprise_name")
        return ent
    if not data.enterprise_name:
        raise InvalidInput("请指定企业（企业编号 enterprise_id、统一社会信用代码或企业名称）", field="enterprise_id")
    return None


def _region(s: Any, data: TicketCreate, ent: Enterprise | None) -> int | None:
    if data.region_code:
        rid: int | None = s.scalars(select(Region.id).where(Region.code == data.region_code)).one_or_none()
        if rid is None:
            raise InvalidInput(f"行政区划代码“{data.region_code}”不存在", field="region_code")
        return rid
    return ent.region_id if ent else None


def _check_refs(s: Any, p: Principal, data: TicketCreate) -> None:
    if data.category is not None and s.get(Category, data.category) is None:
        raise InvalidInput(f"问题分类“{data.category}”不存在", field="category")
    if data.reported_department_id is not None:
        if data.ticket_type not in (TicketType.report, TicketType.complaint):
            raise InvalidInput("只有投诉、举报类诉求可以指明被反映单位", field="reported_department_id")
        if s.get(Department, data.reported_department_id) is None:
            raise InvalidInput("被反映单位不存在", field="reported_department_id")
