"""Loads the demo county: regions, units, categories, ~200 enterprises, an account for every role,
and a few hundred tickets in every state. Tickets are driven through the real services under a
simulated clock, so every one has a true timeline, deadlines and audit chain."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from qitong.db.models import (
    Base,
    Category,
    Department,
    DepartmentKind,
    Enterprise,
    Region,
    User,
)
from qitong.demo import content
from qitong.demo.knowledge import load_knowledge
from qitong.demo.responsibility import load_responsibility, publish_cases
from qitong.domain.clock import FixedClock
from qitong.domain.errors import DomainError
from qitong.domain.tickets.lifecycle import Action, Role
from qitong.domain.tickets.vocab import Channel
from qitong.services.auth import Principal, hash_password, principal_of
from qitong.services.context import Context
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload as P

DEMO_PASSWORD = "Qitong#2026"
_KIND = {
    "center": DepartmentKind.center,
    "board": DepartmentKind.board,
    "department": DepartmentKind.department,
    "utility": DepartmentKind.department,
    "town": DepartmentKind.town,
}

# the accounts listed in the README: username, display name, role, unit code
ACCOUNTS: tuple[tuple[str, str, Role, str | None], ...] = (
    ("admin", "系统管理员", Role.admin, None),
    ("agent", "中心受理员 陈晓", Role.center_agent, content.CENTER_CODE),
    ("dispatcher", "中心分派员 周敏", Role.dispatcher, content.CENTER_CODE),
    ("supervisor", "督查室 吴刚", Role.supervisor, None),
    ("leader", "县分管领导 郑副县长", Role.leader, None),
    ("auditor", "审计员 孙丽", Role.auditor, None),
)


@dataclass
class Demo:
    ctx: Context
    clock: FixedClock
    dept: dict[str, int]
    users: dict[str, Principal]
    handlers: dict[int, Principal]
    leaders: dict[int, Principal]
    enterprise_users: dict[str, Principal]
    enterprises: list[content.EnterpriseSeed]


def load_demo(ctx: Context, *, seed: int = 20261121, reset: bool = False, tickets: int = 320) -> str:
    with ctx.sessions() as s:
        have = s.scalar(select(func.count()).select_from(Department)) or 0
    if have and not reset:
        return "演示数据已存在，跳过（如需重建请加 --reset）"
    if reset:
        _wipe(ctx)
    rng = random.Random(seed)
    now = ctx.clock.now()
    clock = FixedClock(now - timedelta(days=75))
    demo = _organisation(ctx, clock, rng)
    sim = Context(ctx.sessions, clock, ctx.settings, ctx.calendars)
    demo.ctx = sim
    # the 职责清单 in force before the first ticket, so dispatches record the entry that decided them
    load_responsibility(sim, demo.users["admin"], clock.now().astimezone(ctx.policy.tz).date())
    counts = _tickets(demo, rng, tickets, now)
    load_knowledge(ctx, demo.users["admin"])  # the knowledge base's questions and answers (demo/knowledge.py)
    publish_cases(ctx, demo.users["agent"], demo.users["dispatcher"])  # a first few for the 案例库
    return (f"已载入演示数据：{len(demo.dept)} 个单位，{len(demo.enterprise_users)} 个企业账号，"
            f"{sum(counts.values())} 件工单（{len(counts)} 种状态）。演示密码：{DEMO_PASSWORD}")


def _wipe(ctx: Context) -> None:
    with ctx.sessions.begin() as s:
        for t in reversed(Base.metadata.sorted_tables):
            s.execute(t.delete())
    ctx.calendars.invalidate()


def _organisation(ctx: Context, clock: FixedClock, rng: random.Random) -> Demo:
    now = clock.now()
    pw = hash_password(DEMO_PASSWORD)
    dept: dict[str, int] = {}
    users: dict[str, Principal] = {}
    handlers: dict[int, Principal] = {}
    leaders: dict[int, Principal] = {}
    ent_users: dict[str, Principal] = {}
    with ctx.sessions.begin() as s:
        regions: dict[str, int] = {}
        for r in content.REGIONS:
            row = Region(code=r.code, name=r.name, tier=r.tier, parent_id=regions.get(r.parent_code or ""))
            s.add(row)
            s.flush()
            regions[r.code] = row.id
        for d in content.DEPARTMENTS:
            unit = Department(code=d.code, name=d.name, short_name=d.short_name, kind=_KIND[d.kind], tier=d.tier,
                              parent_id=dept.get(d.parent_code or ""),
                              region_id=regions.get(d.region_code or ""))
            s.add(unit)
            s.flush()
            dept[d.code] = unit.id
        for c in content.CATEGORIES:
            s.add(Category(code=c.code, name=c.name, parent_code=c.parent,
                           default_lead_unit_id=dept.get(c.lead_unit),
                           default_co_unit_ids=[dept[x] for x in c.co_units if x in dept]))
            s.flush()
        ents = content.generate_enterprises(rng, 200)
        ent_ids: dict[str, int] = {}
        for e in ents:
            ent = Enterprise(uscc=e.uscc, name=e.name, region_id=regions.get(e.region_code),
                             industry_code=e.industry_code, industry_name=e.industry_name, size=e.size,
                             contact_name=e.contact_name, contact_phone=e.contact_phone, created_at=now)
            s.add(ent)
            s.flush()
            ent_ids[e.uscc] = ent.id

        def user(username: str, name: str, role: Role, dept_id: int | None = None,
                 ent_id: int | None = None) -> Principal:
            u = User(username=username, display_name=name, password_hash=pw, role=role, department_id=dept_id,
                     enterprise_id=ent_id, created_at=now)
            s.add(u)
            s.flush()
            return principal_of(u)

        for username, name, role, unit_code in ACCOUNTS:
            users[username] = user(username, name, role, dept.get(unit_code or ""))
        for d in content.DEPARTMENTS:
            if d.kind in ("center",):
                continue
            i = dept[d.code]
            handlers[i] = user(f"{d.code}_jbr", f"{d.short_name}经办人", Role.handler, i)
            leaders[i] = user(f"{d.code}_ld", f"{d.short_name}分管负责人", Role.department_leader, i)
        for n, e in enumerate(ents[:40]):
            ent_users[e.uscc] = user(f"qy{n + 1:03d}", f"{e.name}（{e.contact_name}）", Role.enterprise_user,
                                     ent_id=ent_ids[e.uscc])
        users["handler"] = handlers[dept["scjgj"]]
        users["department_leader"] = leaders[dept["scjgj"]]
        users["enterprise"] = ent_users[ents[0].uscc]
    return Demo(ctx, clock, dept, users, handlers, leaders, ent_users, ents)


# how far along the loop each demo ticket goes, with rough shares
SCENARIOS: tuple[tuple[str, int], ...] = (
    ("closed", 120), ("closed_timeout", 8), ("closed_redispatched", 10), ("submitted", 14), ("accepted", 10),
    ("rejected", 5), ("answered", 10), ("dispatched", 14), ("returned", 6), ("signed", 8), ("handling", 18),
    ("extension_requested", 5), ("suspended", 4), ("awaiting_sign_off", 10), ("awaiting_verification", 10),
    ("awaiting_confirmation", 14), ("confirmed", 6), ("dissatisfied", 6), ("escalated", 8), ("terminated", 3),
    ("merged", 4),
)

MAIN = ("accept", "dispatch", "sign_for", "contact", "co_opinion", "reply_draft", "sign_off", "verify",
        "confirm", "close")
STOP = {
    "submitted": 0, "accepted": 1, "dispatched": 2, "signed": 3, "handling": 5, "awaiting_sign_off": 6,
    "awaiting_verification": 7, "awaiting_confirmation": 8, "confirmed": 9, "closed": 10,
}


def _plan(kind: str) -> list[str]:
    if kind in STOP:
        return list(MAIN[: STOP[kind]])
    return {
        "closed_timeout": [*MAIN[:8], "wait", "close_timeout"],
        "closed_redispatched": [*MAIN[:8], "dissatisfied", "redispatch", "sign_for", "contact", "reply_draft",
                                "sign_off", "verify", "confirm", "close"],
        "rejected": ["reject"],
        "answered": ["answer"],
        "returned": ["accept", "dispatch", "return"],
        "extension_requested": [*MAIN[:4], "extension_request"],
        "suspended": [*MAIN[:4], "suspend"],
        "dissatisfied": [*MAIN[:8], "dissatisfied"],
        "escalated": [*MAIN[:4], "extension_request", "extension_approve", "escalate"],
        "terminated": ["terminate"],
        "merged": ["merge"],
    }[kind]


FINISHED = frozenset({"closed", "closed_timeout", "closed_redispatched", "rejected", "terminated", "merged"})


def _tickets(demo: Demo, rng: random.Random, n: int, end: datetime) -> dict[str, int]:
    kinds = [k for k, w in SCENARIOS for _ in range(w)]
    by_uscc = dict(demo.enterprise_users)
    # half the tickets come from businesses with an account, so their portals are not empty
    with_account = [e for e in demo.enterprises if e.uscc in by_uscc]
    texts = content.generate_ticket_texts(rng, n // 2, with_account) + content.generate_ticket_texts(
        rng, n - n // 2, demo.enterprises)
    counts: dict[str, int] = {}
    first_number: str | None = None
    # finished matters lie in the past weeks, open ones in the last few days: like a real desk
    plans = sorted(((rng.choice(kinds) if i else "closed") for i in range(n)), key=lambda k: k not in FINISHED)
    starts = [end - timedelta(days=rng.uniform(15, 75) if k in FINISHED else rng.uniform(0.3, 9)) for k in plans]
    for kind, start, tt in sorted(zip(plans, starts, texts, strict=True), key=lambda x: x[1]):
        demo.clock.set(start)
        tid, number = _submit(demo, tt, by_uscc, rng)
        first_number = first_number or number
        try:
            for step in _plan(kind):
                demo.clock.advance(timedelta(minutes=rng.randint(20, 600)))
                if demo.clock.now() >= end:
                    break
                _step(demo, rng, tid, tt, step, first_number)
        except DomainError:
            pass  # a step the simulated calendar refuses leaves the ticket where it stands
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _submit(demo: Demo, tt: content.TicketText, by_uscc: dict[str, Principal],
            rng: random.Random) -> tuple[int, str]:
    p = by_uscc.get(tt.enterprise_uscc)
    channel = rng.choice([Channel.web, Channel.qr, Channel.app]) if p else rng.choice(
        [Channel.hotline_12345, Channel.window, Channel.forum, Channel.visit, Channel.leader_assigned])
    with demo.ctx.sessions() as s:
        ent_id = s.scalars(select(Enterprise.id).where(Enterprise.uscc == tt.enterprise_uscc)).one_or_none()
        contact = s.get(Enterprise, ent_id) if ent_id else None
    data = TicketCreate(
        title=tt.title, content=tt.content, ticket_type=tt.ticket_type, category=tt.category_code,
        channel=channel, complexity=tt.complexity, region_code=tt.region_code,
        submitter_name=(contact.contact_name if contact and contact.contact_name else "企业联系人"),
        submitter_phone=(contact.contact_phone if contact and contact.contact_phone else "13800000000"),
        enterprise_id=None if p else ent_id, enterprise_name=None if p or ent_id else tt.enterprise_name,
    )
    c = create_ticket(demo.ctx, p or demo.users["agent"], data)
    return c.ticket_id, c.number


def _units(demo: Demo, tt: content.TicketText) -> tuple[int, list[int]]:
    lead = demo.dept[tt.lead_unit]
    if lead not in demo.handlers:  # the center itself leads: hand it to its first board
        lead = demo.dept["zwfwbk"]
    co = [demo.dept[c] for c in tt.co_units if c in demo.dept and demo.dept[c] != lead][:2]
    return lead, co


def _step(demo: Demo, rng: random.Random, tid: int, tt: content.TicketText, step: str,
          first_number: str | None) -> None:
    u = demo.users
    lead, co = _units(demo, tt)
    h, ld = demo.handlers[lead], demo.leaders[lead]
    ent = demo.enterprise_users.get(tt.enterprise_uscc) or u["agent"]
    ctx = demo.ctx
    good = rng.choice([5, 5, 5, 4, 4, 3])
    match step:
        case "accept":
            perform(ctx, u["agent"], tid, Action.accept)
        case "dispatch":
            perform(ctx, u["dispatcher"], tid, Action.dispatch, P(lead_unit_id=lead, co_unit_ids=co))
        case "sign_for":
            perform(ctx, h, tid, Action.sign_for)
        case "contact":
            perform(ctx, h, tid, Action.contact, P(contact_method=rng.choice(["phone", "visit", "online"])))
        case "co_opinion":
            for c in co:
                opinion = "已按职责提出协办意见，同意主办单位处理方案。"
                perform(ctx, demo.handlers[c], tid, Action.co_opinion, P(opinion=opinion))
        case "reply_draft":
            perform(ctx, h, tid, Action.reply_draft, P(reply=tt.reply))
        case "sign_off":
            perform(ctx, ld, tid, Action.sign_off)
        case "verify":
            perform(ctx, u["agent"], tid, Action.verify)
        case "confirm":
            perform(ctx, ent, tid, Action.confirm, P(rating_process=good, rating_result=good,
                                                     comment=rng.choice(["办理及时，感谢！", "", "满意"])))
        case "close":
            perform(ctx, u["agent"], tid, Action.close)
        case "wait":
            demo.clock.advance(timedelta(days=9))
        case "close_timeout":
            perform(ctx, u["agent"], tid, Action.close, P(reason="企业逾期未确认，经电话回访确认已解决"))
        case "dissatisfied":
            perform(ctx, ent, tid, Action.rate_dissatisfied, P(rating_process=2, rating_result=rng.choice([1, 2]),
                                                               reason="问题没有实质解决"))
        case "redispatch":
            perform(ctx, u["dispatcher"], tid, Action.redispatch)
        case "reject":
            reason = "反映事项属司法程序，不属于受理范围，已告知企业依法申请"
            perform(ctx, u["agent"], tid, Action.reject, P(reason=reason))
        case "answer":
            perform(ctx, u["agent"], tid, Action.answer_on_the_spot, P(reply=tt.reply))
        case "return":
            perform(ctx, h, tid, Action.return_, P(reason="该事项不属于本单位职责，建议改派"))
        case "extension_request":
            perform(ctx, h, tid, Action.extension_request, P(days=5, reason="需协调多个部门现场会商"))
        case "extension_approve":
            perform(ctx, u["dispatcher"], tid, Action.extension_approve)
        case "suspend":
            perform(ctx, u["agent"], tid, Action.suspend, P(reason="等待企业补充材料"))
        case "escalate":
            perform(ctx, u["dispatcher"], tid, Action.escalate, P(reason="涉及多部门，提交“三分”例会协调",
                                                                  to_layer="leader_meeting"))
        case "terminate":
            perform(ctx, u["agent"], tid, Action.terminate, P(reason="同一事项已依法办结并答复，不再重复受理"))
        case "merge":
            perform(ctx, u["agent"], tid, Action.merge, P(duplicate_of=first_number))
        case _:
            raise ValueError(step)

