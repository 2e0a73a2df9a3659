"""Training and scoring the routing model: on the deployment's own closed tickets, or on a CSV with
columns `label,text` (optional `ticket_type`, `lead_unit` train those heads too). Each training is
audited; the periodic job calls `retrain`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from qitong.adapters import textclf
from qitong.db.models import Ticket
from qitong.domain.errors import Forbidden, InvalidInput
from qitong.domain.routing.text import ticket_text
from qitong.domain.tickets.lifecycle import CENTER_ROLES, OVERSIGHT_ROLES, Role, Status
from qitong.services.audit import SYSTEM, Who, record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.routing import model_store

TRAIN_STATUSES = (Status.closed,)
HEAD_LABELS = {"ticket_type": "诉求类型", "category": "问题分类", "lead_unit": "主办单位"}


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    heads: dict[str, list[str]]  # head → one label per text


def read_csv(path: Path) -> Labelled:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("CSV 编码无法识别（请用 UTF-8 或 GB18030）", field="data")
    csv.field_size_limit(10**8)
    reader = csv.DictReader(io.StringIO(text))
    cols = set(reader.fieldnames or ())
    if not {"label", "text"} <= cols:
        raise InvalidInput(f"CSV 须有 label 和 text 两列（实际：{', '.join(sorted(cols))}）", field="data")
    extra = [c for c in ("ticket_type", "lead_unit") if c in cols]
    texts: list[str] = []
    heads: dict[str, list[str]] = {"category": [], **{c: [] for c in extra}}
    for row in reader:
        label, body = (row.get("label") or "").strip(), (row.get("text") or "").strip()
        if not label or not body:
            continue
        texts.append(body)
        heads["category"].append(label)
        for c in extra:
            heads[c].append((row.get(c) or "").strip() or "?")
    return Labelled(texts, heads)


def from_db(ctx: Context) -> Labelled:
    with ctx.sessions() as s:
        rows = s.execute(
            select(Ticket.title, Ticket.content, Ticket.ticket_type, Ticket.category, Ticket.lead_unit_id)
            .where(Ticket.status.in_(TRAIN_STATUSES)).order_by(Ticket.id)
        ).all()
    texts = [ticket_text(a, b) for a, b, *_ in rows]
    heads = {
        "ticket_type": [r.ticket_type.value for r in rows],
        "category": [r.category or "" for r in rows],
        "lead_unit": [str(r.lead_unit_id or "") for r in rows],
    }
    return Labelled(texts, heads)


def _pairs(data: Labelled) -> dict[str, tuple[list[str], list[str]]]:
    """Per head, the texts that have a label for it."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for head, labels in data.heads.items():
        keep = [(t, y) for t, y in zip(data.texts, labels, strict=True) if y and y != "?"]
        out[head] = ([t for t, _ in keep], [y for _, y in keep])
    return out


def train(ctx: Context, data: Labelled, *, source: str, who: Who = SYSTEM) -> dict[str, Any]:
    if len(data.texts) < 2:
        raise InvalidInput("训练数据太少：至少需要两条已标注的文本", field="data")
    now = ctx.clock.now()
    meta = {"trained_at": now.isoformat(), "source": source, "samples": len(data.texts)}
    try:
        model = textclf.train(_pairs(data), meta)
    except ValueError as e:
        raise InvalidInput(f"无法训练：{e}", field="data") from None
    if not model.heads:
        raise InvalidInput("训练数据每一项都只有一个类别，无法训练", field="data")
    path = ctx.settings.routing_model_path
    with ctx.sessions.begin() as s:  # the file is written only if the audit event commits with it
        record(s, who, at=now, entity="routing_model", entity_id=path.name[:64], action="routing.train",
               data={**model.meta, "path": str(path)})
        s.flush()
        model_store.store(model, path)
    return dict(model.meta)


def evaluate(ctx: Context, data: Labelled, head: str = "category") -> tuple[float, float, int]:
    """(macro-F1, accuracy, n) of the current model's head on labelled data; trains nothing."""
    model = model_store.current(ctx.settings.routing_model_path)
    if model is None:
        raise InvalidInput(f"尚未训练模型（{ctx.settings.routing_model_path} 不存在），请先运行 qitong routing train",
                           field="model")
    clf = model.heads.get(head)
    if clf is None:
        raise InvalidInput(f"模型中没有“{head}”分类器", field="model")
    texts, labels = _pairs(data)[head]
    if not texts:
        raise InvalidInput("评估数据为空", field="data")
    f1, acc = textclf.score(clf, texts, labels)
    return f1, acc, len(texts)


def unknown_labels(ctx: Context, data: Labelled, head: str = "category") -> list[str]:
    """The labels of `data` the current model's head never saw (its rows are bound to score as wrong)."""
    model = model_store.current(ctx.settings.routing_model_path)
    clf = model.heads.get(head) if model is not None else None
    if clf is None:
        return []
    return sorted(set(_pairs(data)[head][1]) - set(clf.classes))


def closed_count(ctx: Context) -> int:
    with ctx.sessions() as s:
        return s.scalar(select(func.count()).where(Ticket.status.in_(TRAIN_STATUSES))) or 0


def retrain(ctx: Context) -> dict[str, Any] | None:
    """The periodic job's step: retrain on the closed tickets when there are enough of them and more than
    the current model saw. Returns the new model's meta, or None when nothing was done."""
    n = closed_count(ctx)
    current = model_store.current(ctx.settings.routing_model_path)
    if not _retrain_due(current.meta if current is not None else {}, n, ctx.settings.routing_min_training):
        return None
    return train(ctx, from_db(ctx), source="tickets")


def _retrain_due(meta: dict[str, Any], closed: int, minimum: int) -> bool:
    """Enough closed tickets, and more than the current model (if trained on tickets) saw."""
    return closed >= minimum and not (meta.get("source") == "tickets" and int(meta.get("samples", 0)) >= closed)


MAX_WEB_TRAINING = 20_000  # beyond, a request would wait minutes: the worker or `qitong routing train` does it

VIEW_ROLES = frozenset({*CENTER_ROLES, *OVERSIGHT_ROLES, Role.admin})


def status(ctx: Context, p: Principal) -> dict[str, Any]:
    """What the 智能分派模型 page shows: the current model, what it was trained on, the thresholds in force,
    and whether the periodic job would retrain now."""
    if p.actor.role not in VIEW_ROLES:
        raise Forbidden("无权查看智能分派模型", field="role")
    s = ctx.settings
    model = model_store.current(s.routing_model_path)
    closed = closed_count(ctx)
    heads: list[dict[str, Any]] = []
    if model is not None:
        for name, clf in model.heads.items():
            heads.append({"name": name, "label": HEAD_LABELS.get(name, name), "classes": len(clf.classes),
                          "samples": int(model.meta.get("heads", {}).get(name, 0))})
    meta = dict(model.meta) if model is not None else {}
    if isinstance(meta.get("trained_at"), str):  # shown in the county's time by the page
        meta["trained_at"] = datetime.fromisoformat(meta["trained_at"])
    return {"trained": model is not None, "meta": meta, "heads": heads, "closed": closed,
            "min_training": s.routing_min_training, "threshold": s.routing_threshold,
            "retrain_due": _retrain_due(meta, closed, s.routing_min_training),
            "autodispatch": s.routing_autodispatch, "autodispatch_threshold": s.routing_autodispatch_threshold,
            "can_train": p.actor.role == Role.admin, "max_web_training": MAX_WEB_TRAINING}


def train_now(ctx: Context, p: Principal) -> dict[str, Any]:
    """An administrator's 立即重新训练 from the closed tickets (audited as them)."""
    if p.actor.role != Role.admin:
        raise Forbidden("只有管理员可以重新训练模型", field="role")
    n = closed_count(ctx)
    if n > MAX_WEB_TRAINING:
        raise InvalidInput(f"已办结工单 {n} 件，训练需要较长时间：请由后台任务自动完成，或在服务器上运行 "
                           "qitong routing train", field="model")
    if n < 2:
        raise InvalidInput("已办结工单太少，还不能训练；在此之前按职责清单的关键词给出建议", field="model")
    return train(ctx, from_db(ctx), source="tickets", who=p.who)
