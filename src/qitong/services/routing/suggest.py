"""What the dispatcher sees: the responsibility list's proposal for the ticket's category, and the
classifier's top three for ticket type, category and lead department, each with a confidence and the
words behind it. At or above `settings.routing_threshold` the top answer is marked for preselection.
With no trained model, the responsibility list's keywords answer (cold start)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.db.models import Category, Department, Ticket
from qitong.domain.errors import Forbidden, NotFound
from qitong.domain.routing.coldstart import Scored, guess_type, score_keywords
from qitong.domain.routing.text import normalize, ticket_text
from qitong.domain.tickets.lifecycle import CENTER_ROLES, OVERSIGHT_ROLES
from qitong.domain.tickets.vocab import TICKET_TYPE_LABELS, TicketType
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.routing import model_store
from qitong.services.routing.responsibility import keyword_table, propose_dispatch

if TYPE_CHECKING:
    from qitong.adapters.textclf import Prediction

HEADS = ("ticket_type", "category", "lead_unit")


def _check(p: Principal) -> None:
    if p.actor.role not in CENTER_ROLES and p.actor.role not in OVERSIGHT_ROLES:
        raise Forbidden("只有中心工作人员可以查看分派建议", field="role")


def _ticket(s: Session, ticket_id: int) -> Ticket:
    t = s.get(Ticket, ticket_id)
    if t is None:
        raise NotFound(f"工单 {ticket_id} 不存在", field="ticket_id")
    return t


def proposal(ctx: Context, p: Principal, ticket_id: int) -> dict[str, Any]:
    """The responsibility list's answer for the ticket's current category, today."""
    _check(p)
    with ctx.sessions() as s:
        t = _ticket(s, ticket_id)
        prop = propose_dispatch(s, t.category, ctx.clock.now(), ctx.policy.tz)
        if prop is None:
            return {"ticket_id": t.id, "category": t.category, "proposal": None}
        names = _names(s, [prop.lead_unit_id, *prop.co_unit_ids])
        out = prop.as_dict()
        out.update(lead_unit=names.get(prop.lead_unit_id), co_units=[names.get(c) for c in prop.co_unit_ids])
        return {"ticket_id": t.id, "category": t.category, "proposal": out}


def suggestions(ctx: Context, p: Principal, ticket_id: int) -> dict[str, Any]:
    _check(p)
    with ctx.sessions() as s:
        t = _ticket(s, ticket_id)
        return suggest_for(s, ctx, t.title, t.content)


def suggest_for(s: Session, ctx: Context, title: str, content: str) -> dict[str, Any]:
    """Top three per head for a text; the ticket page and the intake form use it too."""
    text = ticket_text(title, content)
    model = model_store.current(ctx.settings.routing_model_path)
    raw: dict[str, list[Scored]] = {}
    if model is not None:
        raw = {h: [_scored(x) for x in preds] for h, preds in model.suggest(text).items()}
    source = "model" if raw else "keywords"
    now = ctx.clock.now()
    day = now.astimezone(ctx.policy.tz).date()
    if "category" not in raw:
        table = {e.category_code: list(e.keywords) for e in keyword_table(s, day)}
        raw["category"] = score_keywords(normalize(text), table)
    if "ticket_type" not in raw:
        raw["ticket_type"] = guess_type(text)
    if "lead_unit" not in raw:
        raw["lead_unit"] = _leads_from_categories(s, raw["category"], now, ctx)
    cats = {a: b for a, b in s.execute(select(Category.code, Category.name))}
    by_name = {n: c for c, n in cats.items()}
    units = _names(s, [int(x.label) for x in raw["lead_unit"] if x.label.isdigit()])
    heads = {
        "ticket_type": [_out(x, TICKET_TYPE_LABELS.get(TicketType(x.label)) if x.label in _TYPES else None)
                        for x in raw["ticket_type"]],
        "category": [_category(x, cats, by_name) for x in raw["category"]],
        "lead_unit": [_out(x, units.get(int(x.label)) if x.label.isdigit() else None) for x in raw["lead_unit"]],
    }
    threshold = ctx.settings.routing_threshold
    preselect = {h: (v[0]["value"] if v and v[0]["known"] and v[0]["confidence"] >= threshold else None)
                 for h, v in heads.items()}
    return {"source": source, "threshold": threshold, "preselect": preselect, **heads,
            "model": dict(model.meta) if model is not None else None}


_TYPES = frozenset(t.value for t in TicketType)


def _scored(x: Prediction) -> Scored:
    return Scored(x.label, x.confidence, x.words)


def _out(x: Scored, label: str | None) -> dict[str, Any]:
    return {"value": x.label, "label": label or x.label, "known": label is not None,
            "confidence": x.confidence, "words": list(x.words)}


def _category(x: Scored, cats: dict[str, str], by_name: dict[str, str]) -> dict[str, Any]:
    if x.label not in cats and x.label in by_name:  # a model trained on names (a CSV) still maps
        x = Scored(by_name[x.label], x.confidence, x.words)
    return _out(x, cats.get(x.label))


def _leads_from_categories(s: Session, cats: Sequence[Scored], now: Any, ctx: Context) -> list[Scored]:
    """No lead-department head: the responsibility list's lead for each proposed category."""
    out: dict[str, Scored] = {}
    for c in cats:
        prop = propose_dispatch(s, c.label, now, ctx.policy.tz)
        if prop is not None and str(prop.lead_unit_id) not in out:
            out[str(prop.lead_unit_id)] = Scored(str(prop.lead_unit_id), c.confidence, c.words)
    return list(out.values())


def _names(s: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {a: b for a, b in s.execute(select(Department.id, Department.name).where(Department.id.in_(set(ids))))}
