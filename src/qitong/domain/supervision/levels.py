"""The three levels of supervision (三级督办), lowest first, and a supervision's own status.

提醒敦促函 (reminder) → 挂牌督办 with 整改通知书 (listed) → 约谈 (interview): seeds/02 二(七)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class SupervisionLevel(StrEnum):
    reminder = "reminder"  # 提醒敦促函，日常督办
    listed = "listed"  # 整改通知书，挂牌督办，列入月度监测通报
    interview = "interview"  # 约谈通知书，约谈督办


ESCALATION_ORDER: tuple[SupervisionLevel, ...] = (
    SupervisionLevel.reminder,
    SupervisionLevel.listed,
    SupervisionLevel.interview,
)

LEVEL_LABELS: Mapping[SupervisionLevel, str] = {
    SupervisionLevel.reminder: "提醒督办",
    SupervisionLevel.listed: "挂牌督办",
    SupervisionLevel.interview: "约谈督办",
}

# the document each level sends to the department
DOCUMENT_NAMES: Mapping[SupervisionLevel, str] = {
    SupervisionLevel.reminder: "提醒敦促函",
    SupervisionLevel.listed: "整改通知书",
    SupervisionLevel.interview: "约谈通知书",
}


def rank(level: SupervisionLevel) -> int:
    """0 for a reminder, 2 for an interview: compare levels by this."""
    return ESCALATION_ORDER.index(level)


def next_level(level: SupervisionLevel) -> SupervisionLevel | None:
    """The level above `level`, or None at the top."""
    i = rank(level) + 1
    return ESCALATION_ORDER[i] if i < len(ESCALATION_ORDER) else None


class SupervisionStatus(StrEnum):
    open = "open"  # sent, waiting for the department's response
    responded = "responded"  # the department answered; the supervisor has not closed it
    closed = "closed"


STATUS_LABELS: Mapping[SupervisionStatus, str] = {
    SupervisionStatus.open: "待反馈",
    SupervisionStatus.responded: "已反馈",
    SupervisionStatus.closed: "已办结",
}

# "while open" in the uniqueness rule means not closed
ACTIVE_STATUSES = frozenset({SupervisionStatus.open, SupervisionStatus.responded})
