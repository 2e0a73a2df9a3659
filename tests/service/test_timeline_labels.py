"""Every audit action a service writes onto a ticket's trail has a Chinese name on the timeline
(read from the services' source: a new `record(..., ticket_id=..., action="x")` without a label fails
here instead of showing "x" to a business)."""

from __future__ import annotations

import re
from pathlib import Path

from qitong.services.tickets.queries import event_label

SERVICES = Path(__file__).parents[2] / "src" / "qitong" / "services"


def _ticket_actions() -> set[str]:
    found: set[str] = set()
    for path in SERVICES.rglob("*.py"):
        for call in re.finditer(r"record(?:_rows)?\((.{0,400}?)\)\n", path.read_text(encoding="utf-8"), re.S):
            if "ticket_id=" in call.group(1):
                found.update(re.findall(r'"([a-z_]+)"', " ".join(re.findall(r'action=[^,\n]+', call.group(1)))))
    return found


def test_every_ticket_trail_action_has_a_chinese_label() -> None:
    actions = _ticket_actions()
    assert {"submit", "supervise", "import_update", "appeal_upheld", "appeal_rejected"} <= actions
    unnamed = sorted(a for a in actions if not re.search(r"[\u4e00-\u9fff]", event_label(a)))
    assert not unnamed, unnamed
