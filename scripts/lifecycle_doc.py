"""Writes docs/lifecycle.md from the transition table, so the document cannot drift from the code.

Run: .venv/bin/python scripts/lifecycle_doc.py   (tests/unit/test_docs.py checks it is current)"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from qitong.domain.tickets.lifecycle import (
    ACTIONS,
    STATUS_LABELS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Action,
)

OUT = Path(__file__).parents[1] / "docs" / "lifecycle.md"


def render() -> str:
    lines = [
        "# The ticket lifecycle",
        "",
        "Generated from `qitong.domain.tickets.lifecycle` by `scripts/lifecycle_doc.py` — do not edit by hand.",
        "The services enforce this table; the API and pages show `allowed_actions` computed from it.",
        "",
        "## Statuses",
        "",
        "| status | 中文 | terminal |",
        "|---|---|---|",
    ]
    for s, lbl in STATUS_LABELS.items():
        lines.append(f"| `{s.value}` | {lbl} | {'yes' if s in TERMINAL_STATUSES else ''} |")
    lines += ["", "## Actions", "", "| action | 中文 | roles | whose turn | reason required |", "|---|---|---|---|---|"]
    for a, spec in ACTIONS.items():
        roles = ", ".join(sorted(r.value for r in spec.roles))
        reason = "yes" if spec.reason_required else ""
        lines.append(f"| `{a.value}` | {spec.label} | {roles} | {spec.party.value} | {reason} |")
    lines += ["", "## Transitions", "", "| from | action | to |", "|---|---|---|"]
    lines += [
        f"| `{s.value}` | `{a.value}` | `{t.value}` |" for (s, a), t in TRANSITIONS.items() if a != Action.note
    ]
    lines += ["", "`note` is allowed from every status and changes nothing but the timeline.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
