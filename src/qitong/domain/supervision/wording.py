"""The Chinese the notices and reasons are written in, and how they show dates and deadlines."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from qitong.domain.supervision.triggers import SupervisionFacts, Trigger


def format_day(at: datetime, tz: ZoneInfo) -> str:
    """2026年11月23日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    local = at.astimezone(tz)
    return f"{local.year}年{local.month}月{local.day}日"


def format_deadline(at: datetime, tz: ZoneInfo) -> str:
    """A deadline at local midnight is the end of the day before: shown as that day; one at
    another time of day (the signing limit, in working hours) shows the time too."""
    local = at.astimezone(tz)
    if local.time() == time(0):
        return format_day(local - timedelta(microseconds=1), tz)
    return f"{format_day(local, tz)}{local:%H:%M}"


def _due(at: datetime | None, tz: ZoneInfo) -> str:
    return format_deadline(at, tz) if at else "规定时限"


def reason_for(trigger: Trigger, f: SupervisionFacts, tz: ZoneInfo) -> str:
    """Why an automatic supervision opened, as the notice states it."""
    match trigger:
        case Trigger.unsigned:
            return f"超过签收时限（{_due(f.stage_due_at, tz)}）仍未签收。"
        case Trigger.no_contact:
            return f"已签收，但超过联系企业时限（{_due(f.contact_due_at, tz)}）仍未联系企业。"
        case Trigger.overdue:
            return f"已超过办结答复时限（{_due(f.reply_due_at, tz)}），至今未办结答复。"
        case Trigger.due_soon:
            return f"办结答复时限（{_due(f.reply_due_at, tz)}）即将届满，尚未办结答复。"
        case Trigger.buck_passing:
            return f"该工单已被退回 {f.return_count} 次，存在推诿扯皮情形。"
        case Trigger.dissatisfied_twice:
            return f"企业已 {f.dissatisfied_count} 次对办理结果评价为不满意。"
        case Trigger.noncompliant_closure:
            return f"拟办答复已 {f.send_back_count} 次经中心审核不符合办结要求被退回。"
        case Trigger.major:
            return "该事项经认定为影响企业发展的重大事项，属必督事项。"
        case Trigger.repeated:
            return "同类问题近期被多次反映或由多家企业集中反映，属必督事项。"
    raise ValueError(f"{trigger} has no automatic reason: a person states it")
