"""Presentation rules shared by every page: the one status → colour mapping, the progress steps an
enterprise sees, date formatting. Pure functions, registered as Jinja filters in render.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from qitong.domain.tickets.lifecycle import Status

S = Status
# One colour per status, used by badges, list rows, timeline dots and the progress bar (Tabler colours).
STATUS_COLOURS: Mapping[Status, str] = {
    S.submitted: "blue",
    S.accepted: "indigo",
    S.rejected: "secondary",
    S.dispatched: "purple",
    S.returned: "pink",
    S.signed: "cyan",
    S.handling: "azure",
    S.extension_requested: "orange",
    S.suspended: "secondary",
    S.awaiting_sign_off: "teal",
    S.awaiting_verification: "lime",
    S.awaiting_confirmation: "yellow",
    S.confirmed: "green",
    S.dissatisfied: "red",
    S.escalated: "orange",
    S.closed: "green",
    S.terminated: "dark",
    S.merged: "secondary",
}
OVERDUE_COLOUR = "red"
DUE_SOON_COLOUR = "orange"


def status_colour(status: str | Status | None) -> str:
    if status is None or status not in Status._value2member_map_:
        return "secondary"
    return STATUS_COLOURS[Status(status)]


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    at: datetime | str | None


@dataclass(frozen=True)
class Progress:
    steps: list[Step]
    percent: int
    current: str  # the label of the next step, or of the last one when all are done
    stopped: bool  # the ticket ended without going round the loop (不予受理, 终结, 并单)


# the loop as the enterprise sees it; each step is reached when its milestone is set
STEPS: tuple[tuple[str, str], ...] = (
    ("submitted", "提交"),
    ("accepted", "受理"),
    ("dispatched", "分派"),
    ("signed", "签收"),
    ("contacted", "联系企业"),
    ("replied", "答复"),
    ("verified", "中心审核"),
    ("confirmed", "确认评价"),
    ("closed", "办结"),
)
# the same milestones read from a public timeline (no milestone columns there)
ACTION_MILESTONES: Mapping[str, tuple[str, ...]] = {
    "submit": ("submitted",),
    "accept": ("accepted",),
    "answer_on_the_spot": ("accepted", "replied", "verified"),
    "dispatch": ("dispatched",),
    "redispatch": ("dispatched",),
    "sign_for": ("signed",),
    "contact": ("contacted",),
    "reply_draft": ("replied",),
    "verify": ("verified",),
    "confirm": ("confirmed",),
    "close": ("closed",),
}
STOPPED = frozenset({S.rejected, S.terminated, S.merged})


def progress(milestones: Mapping[str, datetime | str | None], status: str) -> Progress:
    done = [Step(k, label, bool(milestones.get(k)), milestones.get(k)) for k, label in STEPS]
    if status == S.closed:
        done = [Step(s.key, s.label, True, s.at) for s in done]
    # the center answered on the spot: no department steps, they count as passed
    if milestones.get("replied") and not milestones.get("dispatched"):
        done = [Step(s.key, s.label, True, s.at) if s.key in ("dispatched", "signed", "contacted") else s
                for s in done]
    reached = sum(1 for s in done if s.done)
    nxt = next((s.label for s in done if not s.done), done[-1].label)
    return Progress(done, round(100 * reached / len(done)), nxt, status in STOPPED)


def milestones_from_actions(actions: Iterable[tuple[str, str | None]]) -> dict[str, str | None]:
    """(action, at) pairs of a timeline → the milestone → first time reached."""
    out: dict[str, str | None] = {}
    for action, at in actions:
        for m in ACTION_MILESTONES.get(action, ()):
            out.setdefault(m, at)
    return out


def as_datetime(v: datetime | str | None) -> datetime | None:
    if v is None or v == "":
        return None
    return v if isinstance(v, datetime) else datetime.fromisoformat(v)


def format_dt(v: datetime | str | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    d = as_datetime(v)
    return d.astimezone(tz).strftime(fmt) if d else "—"


def format_recorded(v: str | None, tz: ZoneInfo) -> str:
    """A time a source system recorded (a 12345 call): formatted when it parses, else as it came (rows
    imported before the import checked it)."""
    try:
        return format_dt(v, tz)
    except (TypeError, ValueError):
        return str(v)


def format_due(v: datetime | str | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A deadline: the end of a working day (00:00 the next morning) reads as that day's 24:00."""
    d = as_datetime(v)
    if d is None:
        return "—"
    local = d.astimezone(tz)
    if (local.hour, local.minute) == (0, 0) and "%H:%M" in fmt:
        return (local - timedelta(days=1)).strftime(fmt.replace("%H:%M", "24:00"))
    return local.strftime(fmt)


RATING_CHOICES: tuple[tuple[int, str], ...] = ((5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"),
                                               (1, "非常不满意"))
RATING_COLOURS: Mapping[int, str] = {5: "green", 4: "lime", 3: "yellow", 2: "orange", 1: "red"}
