"""Who hears about an outbox message, and what they are told: the template table
(qitong.domain.notifications) filled in from the ticket, and each audience resolved to people.

Read-only: `plan` returns what to write; services.outbox writes it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qitong.db.models import (
    Assignment,
    AssignmentRole,
    AuditEvent,
    Department,
    Medium,
    NotificationPreference,
    OutboxMessage,
    Ticket,
    User,
)
from qitong.domain.notifications import (
    Audience,
    Rendered,
    document_name,
    format_deadline,
    level_label,
    render,
    tidy_reason,
)
from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, Role

MOBILE = re.compile(r"^1[3-9]\d{9}$")
SMS_SIGNATURE = "【企通】"


@dataclass(frozen=True)
class Person:
    user_id: int | None
    phone: str | None = None  # a mobile number that may get SMS, else None
    email: str | None = None


@dataclass(frozen=True)
class InApp:
    user_id: int
    title: str
    body: str


@dataclass(frozen=True)
class Outgoing:
    medium: Medium
    recipient: str
    user_id: int | None
    subject: str
    body: str


@dataclass
class Plan:
    in_app: list[InApp] = field(default_factory=list)
    outgoing: list[Outgoing] = field(default_factory=list)


def plan(s: Session, msg: OutboxMessage, tz: tzinfo, *, email: bool) -> Plan:
    """In-app notifications and email/SMS for one outbox message. A person in two audiences
    hears once, in the words of the first; the one who acted is not told what they just did."""
    payload = msg.payload
    t = _ticket(s, msg)
    # a supervision names the department it is addressed to; everything else names the lead unit
    lead_id = payload.get("lead_unit_id") or payload.get("department_id") or (t.lead_unit_id if t else None)
    messages = render(msg.topic, fields(s, payload, t, lead_id, tz))
    actor = _actor_id(s, msg.idempotency_key)
    out, seen_users, seen_addr = Plan(), set[int](), set[tuple[Medium, str]]()
    for r in messages:
        for person in people(s, r.audience, t, lead_id):
            if person.user_id is not None:
                if person.user_id in seen_users or (person.user_id == actor and r.audience != Audience.enterprise):
                    continue
                seen_users.add(person.user_id)
                out.in_app.append(InApp(person.user_id, r.title, r.body))
            for medium, addr, text in _outside(r, person, email):
                if (medium, addr) not in seen_addr:
                    seen_addr.add((medium, addr))
                    out.outgoing.append(Outgoing(medium, addr, person.user_id, r.title, text))
    return out


def _outside(r: Rendered, p: Person, email: bool) -> Iterable[tuple[Medium, str, str]]:
    if email and p.email:
        yield Medium.email, p.email, r.body
    if r.sms and p.phone:
        yield Medium.sms, p.phone, SMS_SIGNATURE + r.body


def fields(
    s: Session, payload: Mapping[str, Any], t: Ticket | None, lead_id: int | None, tz: tzinfo
) -> dict[str, str | None]:
    lead = s.get(Department, lead_id) if lead_id else None
    level = payload.get("level")
    return {
        "number": payload.get("number") or (t.number if t else None),
        "title": t.title if t else None,
        "query_code": t.query_code if t else None,
        "enterprise": t.enterprise_name if t else None,
        "lead_unit": lead.name if lead else None,
        "status_label": payload.get("status_label"),
        "reason": tidy_reason(payload.get("reason")),
        "deadline": _deadline(payload.get("deadline"), tz),
        "level": level,
        "level_label": level_label(level),
        "document_name": document_name(level),
        "label": payload.get("label"),
        "document_no": payload.get("document_no"),
    }


def _deadline(raw: object, tz: tzinfo) -> str | None:
    if not isinstance(raw, str):
        return None
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    return format_deadline(at, tz) if at.tzinfo is not None else raw


def _ticket(s: Session, msg: OutboxMessage) -> Ticket | None:
    tid = msg.ticket_id or msg.payload.get("ticket_id")
    return s.get(Ticket, tid) if isinstance(tid, int) else None


def _actor_id(s: Session, key: str) -> int | None:
    """Ticket events are keyed "audit:<seq>": the audit event names who acted."""
    kind, _, seq = key.partition(":")
    if kind != "audit" or not seq.isdigit():
        return None
    return s.scalar(select(AuditEvent.actor_id).where(AuditEvent.seq == int(seq)))


def people(s: Session, audience: Audience, t: Ticket | None, lead_id: int | None) -> list[Person]:
    if audience == Audience.enterprise:
        return _enterprise(s, t) if t else []
    stmt = _staff(s, audience, t, lead_id)
    if stmt is None:
        return []
    return [_person(u, pref) for u, pref in s.execute(stmt.order_by(User.id))]


def _users() -> Select[User, NotificationPreference]:
    return (
        select(User, NotificationPreference)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(User.active)
    )


def _staff(
    s: Session, audience: Audience, t: Ticket | None, lead_id: int | None
) -> Select[User, NotificationPreference] | None:
    q = _users()
    match audience:
        case Audience.center:
            return q.where(User.role.in_(CENTER_ROLES))
        case Audience.dispatchers:
            return q.where(User.role == Role.dispatcher)
        case Audience.supervisors:
            return q.where(User.role == Role.supervisor)
        case Audience.lead_unit if lead_id:
            return q.where(User.department_id == lead_id, User.role.in_(DEPARTMENT_ROLES))
        case Audience.lead_unit_leaders if lead_id:
            return q.where(User.department_id == lead_id, User.role == Role.department_leader)
        case Audience.co_units if t:
            co = select(Assignment.department_id).where(
                Assignment.ticket_id == t.id, Assignment.active, Assignment.role == AssignmentRole.co
            )
            return q.where(User.department_id.in_(co), User.role.in_(DEPARTMENT_ROLES))
    return None


def _enterprise(s: Session, t: Ticket) -> list[Person]:
    """The enterprise's users hear in-app (and by email); the SMS goes to the phone the matter
    was raised from, once, unless the submitter turned SMS off."""
    q = _users().where(User.role == Role.enterprise_user)
    if t.enterprise_id is not None:
        q = q.where((User.enterprise_id == t.enterprise_id) | (User.id == t.submitted_by_id))
    else:
        q = q.where(User.id == t.submitted_by_id)
    out = [Person(u.id, None, _email(pref)) for u, pref in s.execute(q.order_by(User.id))]
    if MOBILE.match(t.submitter_phone) and _submitter_takes_sms(s, t):
        out.append(Person(None, t.submitter_phone))
    return out


def _submitter_takes_sms(s: Session, t: Ticket) -> bool:
    """Staff who typed a hotline call in have no say over the caller's phone."""
    if t.submitted_by_id is None:
        return True
    u = s.get(User, t.submitted_by_id)
    if u is None or u.role != Role.enterprise_user:
        return True
    pref = s.get(NotificationPreference, u.id)
    return pref is None or pref.sms_enabled


def _person(u: User, pref: NotificationPreference | None) -> Person:
    sms_ok = pref is None or pref.sms_enabled
    phone = u.phone if u.phone and MOBILE.match(u.phone) and sms_ok else None
    return Person(u.id, phone, _email(pref))


def _email(pref: NotificationPreference | None) -> str | None:
    return pref.email if pref and pref.email and pref.email_enabled else None
