"""Before any model is trained: proposals from the responsibility list's keywords, and the ticket type
from the words people use for it. Scores are keyword hits; confidence is a hit's share, so a single
weak hit never looks certain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qitong.domain.tickets.vocab import TicketType


@dataclass(frozen=True)
class Scored:
    label: str
    confidence: float
    words: tuple[str, ...]


# the words a message of each type tends to contain (title and content)
TYPE_WORDS: Mapping[TicketType, tuple[str, ...]] = {
    TicketType.report: ("举报", "违规", "违法", "非法", "偷排", "私自"),
    TicketType.complaint: ("投诉", "态度恶劣", "不作为", "推诿", "刁难", "乱收费", "拖欠"),
    TicketType.consultation: ("咨询", "请问", "如何办理", "怎么办理", "是否可以", "需要哪些", "政策"),
    TicketType.suggestion: ("建议", "希望", "意见"),
}

# how much of the confidence a keyword match can claim: matches are evidence, not proof
_CEILING = 0.85


def score_keywords(text: str, keywords: Mapping[str, Sequence[str]], k: int = 3) -> list[Scored]:
    """Rank labels by how many of their keywords occur in `text` (longer keywords weigh more)."""
    raw: list[tuple[str, float, tuple[str, ...]]] = []
    for label, words in keywords.items():
        found = tuple(w for w in dict.fromkeys(words) if w and w in text)
        if found:
            raw.append((label, sum(1.0 + 0.25 * (len(w) - 2) for w in found), found))
    total = sum(s for _, s, _ in raw)
    raw.sort(key=lambda r: (-r[1], r[0]))
    return [Scored(label, round(_CEILING * s / total, 3), found) for label, s, found in raw[:k]]


def guess_type(text: str) -> list[Scored]:
    hits = score_keywords(text, {t.value: w for t, w in TYPE_WORDS.items()})
    if hits:
        return hits
    return [Scored(TicketType.help.value, 0.5, ())]  # 求助/办事协调: what most matters are
