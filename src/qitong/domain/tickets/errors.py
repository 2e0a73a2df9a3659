from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qitong.domain.errors import Conflict

if TYPE_CHECKING:
    from qitong.domain.tickets.lifecycle import Action, Status


class IllegalTransition(Conflict):
    """The action is not allowed from the ticket's status (HTTP 409, listing what is)."""

    def __init__(self, status: Status, action: Action, allowed: Sequence[Action]) -> None:
        from qitong.domain.tickets.lifecycle import ACTIONS, STATUS_LABELS  # the table imports us

        names = "、".join(f"{ACTIONS[a].label}（{a.value}）" for a in allowed) or "无"
        super().__init__(
            f"工单当前状态为“{STATUS_LABELS[status]}”（{status.value}），不能执行“{ACTIONS[action].label}”"
            f"（{action.value}）。当前可执行：{names}",
            field="action",
            allowed=[a.value for a in allowed],
        )
        self.status = status
        self.action = action
