"""The rules on top of similarity: when a matter is a concentrated report (集中反映), and how
near-duplicate pairs group into hot topics (热点问题)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ConcentratedRule:
    """Near-duplicate tickets from at least `enterprises` distinct enterprises, all created within
    `window_days` days before the newest one (Jinan's 企业集中反映的事项必督, seeds/03 三(三))."""

    enterprises: int = 3
    window_days: int = 7

    def __post_init__(self) -> None:
        if self.enterprises < 2:
            raise ValueError("a concentrated report needs at least two enterprises")
        if self.window_days < 1:
            raise ValueError("the window is at least one day")


@dataclass(frozen=True)
class Report:
    """One ticket of a group of near-duplicates: who raised it and when."""

    ticket_id: int
    enterprise: str  # "id:12", or "name:某某公司" for a ticket without an enterprise record
    created_at: datetime


def enterprise_key(enterprise_id: int | None, enterprise_name: str) -> str:
    if enterprise_id is not None:
        return f"id:{enterprise_id}"
    return f"name:{enterprise_name.strip()}"


def within_window(reports: Iterable[Report], newest: datetime, rule: ConcentratedRule) -> list[Report]:
    """The reports created in the rule's window that ends at `newest` (aware datetimes)."""
    if newest.tzinfo is None:
        raise ValueError("newest must be an aware datetime")
    since = newest - timedelta(days=rule.window_days)
    return [r for r in reports if since <= r.created_at <= newest]


def is_concentrated(reports: Sequence[Report], newest: datetime, rule: ConcentratedRule) -> bool:
    """True when the reports in the window come from `rule.enterprises` distinct enterprises or more."""
    return len({r.enterprise for r in within_window(reports, newest, rule)}) >= rule.enterprises


def clusters(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected groups of `ids` joined by `pairs` (union-find), each sorted; singletons dropped.
    Ordered by size, largest first, then by the smallest id."""
    parent: dict[int, int] = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        if a not in parent or b not in parent:
            continue
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in parent:
        groups.setdefault(root(i), []).append(i)
    out = [sorted(g) for g in groups.values() if len(g) > 1]
    return sorted(out, key=lambda g: (-len(g), g[0]))
