"""Supervision (督办): levels, the must-supervise triggers, document numbers and notice wording.

Pure: the services build the facts from the database and open what these rules say."""

from qitong.domain.supervision.levels import (
    ACTIVE_STATUSES,
    DOCUMENT_NAMES,
    ESCALATION_ORDER,
    LEVEL_LABELS,
    STATUS_LABELS,
    SupervisionLevel,
    SupervisionStatus,
    next_level,
    rank,
)
from qitong.domain.supervision.numbering import (
    PREFIXES,
    DocumentNumber,
    document_number,
    parse_document_number,
    prefix_for,
)
from qitong.domain.supervision.triggers import (
    AUTOMATIC_LEVELS,
    DEFAULT_THRESHOLDS,
    TRIGGER_LABELS,
    Finding,
    SupervisionFacts,
    Thresholds,
    Trigger,
    addressee,
    evaluate,
    occurrence,
)

__all__ = [
    "ACTIVE_STATUSES",
    "AUTOMATIC_LEVELS",
    "DEFAULT_THRESHOLDS",
    "DOCUMENT_NAMES",
    "ESCALATION_ORDER",
    "LEVEL_LABELS",
    "PREFIXES",
    "STATUS_LABELS",
    "TRIGGER_LABELS",
    "DocumentNumber",
    "Finding",
    "SupervisionFacts",
    "SupervisionLevel",
    "SupervisionStatus",
    "Thresholds",
    "Trigger",
    "addressee",
    "document_number",
    "evaluate",
    "next_level",
    "occurrence",
    "parse_document_number",
    "prefix_for",
    "rank",
]
