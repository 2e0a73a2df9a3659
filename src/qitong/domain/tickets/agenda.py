"""The agenda of a 三分 coordination meeting ("成熟一批、上会一批"): the escalated matters ready to be
put to the meeting, as plain content both renderers share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qitong.domain.tickets.vocab import LAYER_LABELS, Layer


@dataclass(frozen=True)
class AgendaItem:
    number: str
    title: str
    enterprise: str
    category: str
    lead_unit: str
    reason: str  # why it was escalated
    history: str  # returns, redispatches, dissatisfied ratings: why the ordinary road failed
    escalated_on: str


@dataclass(frozen=True)
class Agenda:
    issuer: str
    title: str
    meeting_date: str
    layer_label: str
    items: tuple[AgendaItem, ...]

    @property
    def summary(self) -> str:
        if not self.items:
            return "本期无提交会议协调的事项。"
        return f"本期提交会议协调事项共 {len(self.items)} 件，请各相关单位主要负责人参会并提出解决意见。"


def build_agenda(issuer: str, layer: Layer, meeting_date: date, items: list[AgendaItem]) -> Agenda:
    label = LAYER_LABELS[layer]
    return Agenda(issuer=issuer, title=f"{label}议题清单", meeting_date=f"{meeting_date:%Y年%-m月%-d日}",
                  layer_label=label, items=tuple(items))


def history_text(returns: int, redispatches: int, dissatisfied: int, extensions: int) -> str:
    parts = [f"{label} {n} 次" for label, n in (("退回", returns), ("二次交办", redispatches),
                                                ("不满意", dissatisfied), ("延期", extensions)) if n]
    return "，".join(parts) or "—"
