"""Common problems (共性问题): group similar tickets of one category by the Jaccard similarity of
their character shingles, count each group per month, and warn when a group grows fast."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def shingles(text: str, k: int = 2) -> frozenset[str]:
    """Character k-grams of the text without spaces and punctuation (Chinese has no word breaks)."""
    t = _NOISE.sub("", text.lower())
    if len(t) <= k:
        return frozenset({t}) if t else frozenset()
    return frozenset(t[i:i + k] for i in range(len(t) - k + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Item:
    ticket_id: int
    category: str
    month: str  # "2026-11"
    text: str


@dataclass
class Cluster:
    category: str
    ticket_ids: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    by_month: dict[str, int] = field(default_factory=dict)
    shingles: frozenset[str] = frozenset()

    @property
    def size(self) -> int:
        return len(self.ticket_ids)

    @property
    def label(self) -> str:
        return self.texts[0] if self.texts else ""


def cluster(items: Iterable[Item], threshold: float = 0.3) -> list[Cluster]:
    """Single pass, leader clustering: an item joins the first cluster of its category whose first
    item it resembles at least `threshold`, else starts one. Deterministic in the input order."""
    out: dict[str, list[Cluster]] = {}
    for it in items:
        sh = shingles(it.text)
        groups = out.setdefault(it.category, [])
        home = next((c for c in groups if jaccard(sh, c.shingles) >= threshold), None)
        if home is None:
            home = Cluster(it.category, shingles=sh)
            groups.append(home)
        home.ticket_ids.append(it.ticket_id)
        home.texts.append(it.text)
        home.by_month[it.month] = home.by_month.get(it.month, 0) + 1
    clusters = [c for groups in out.values() for c in groups]
    return sorted(clusters, key=lambda c: (-c.size, c.category, c.ticket_ids[0]))


@dataclass(frozen=True)
class Warning_:
    growth: float  # this month over the average of the previous months (at least one)
    message: str


def growth_warning(by_month: Mapping[str, int], months: Sequence[str], *, factor: float = 2.0,
                   minimum: int = 3) -> Warning_ | None:
    """A risk warning when the last month has at least `minimum` tickets and `factor` times the
    average of the months before it (a new cluster counts its previous months as 0.5 each)."""
    if not months:
        return None
    last = by_month.get(months[-1], 0)
    before = [by_month.get(m, 0) for m in months[:-1]]
    base = max(sum(before) / len(before), 0.5) if before else 0.5
    growth = last / base
    if last >= minimum and growth >= factor:
        return Warning_(round(growth, 2), f"本月 {last} 件，较前期月均增长 {growth:.1f} 倍，需关注")
    return None
