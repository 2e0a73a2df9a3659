"""Supervision (督办) use cases. See docs/supervision.md.

* inside another transaction: `open_in`, `apply_triggers` (also called by the worker's
  `jobs.supervise` step for every ticket whose timers fired), `after_ticket_action`;
* use cases of their own: `open_supervision`, `interview`, `respond`, `close`, `flag_major`;
* reading: `list_supervisions`, `supervision_detail`; the notices in `.documents` (imported on
  demand: it loads the PDF renderer).
"""

from qitong.services.supervision.facts import concentrated, facts_for
from qitong.services.supervision.handling import close, flag_major, respond
from qitong.services.supervision.opening import (
    RECHECK_AFTER,
    Opening,
    after_ticket_action,
    apply_triggers,
    interview,
    open_in,
    open_supervision,
)
from qitong.services.supervision.queries import SupervisionFilter, list_supervisions, supervision_detail

__all__ = [
    "RECHECK_AFTER",
    "Opening",
    "SupervisionFilter",
    "after_ticket_action",
    "apply_triggers",
    "close",
    "concentrated",
    "facts_for",
    "flag_major",
    "interview",
    "list_supervisions",
    "open_in",
    "open_supervision",
    "respond",
    "supervision_detail",
]
