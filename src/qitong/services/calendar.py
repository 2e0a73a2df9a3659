"""The deployment's own calendar: local extra days off, and official schedules for years the
chinese-calendar package does not know yet. Admin only, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, extract, select

from qitong.db.models import CalendarLoadedYear, CalendarOverride
from qitong.domain.errors import Forbidden, InvalidInput, NotFound
from qitong.domain.tickets.lifecycle import Role
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    is_workday: bool = Field(description="true：调休上班；false：放假")
    note: str = Field(default="", max_length=128)


class YearSchedule(BaseModel):
    """The State Council's notice for one year: the days off and the adjusted working days."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    days_off: list[date] = Field(description="放假日期（含周末）")
    workdays: list[date] = Field(default_factory=list, description="调休上班日期")
    note: str = Field(default="", max_length=128)


def _admin(p: Principal) -> None:
    if p.actor.role != Role.admin:
        raise Forbidden("只有系统管理员可以维护节假日安排", field="role")


def list_overrides(ctx: Context, year: int | None = None) -> dict[str, Any]:
    with ctx.sessions() as s:
        stmt = select(CalendarOverride).order_by(CalendarOverride.day)
        if year is not None:
            stmt = stmt.where(extract("year", CalendarOverride.day) == year)
        days = [{"day": o.day.isoformat(), "is_workday": o.is_workday, "note": o.note} for o in s.scalars(stmt)]
        years = [{"year": y.year, "note": y.note} for y in s.scalars(select(CalendarLoadedYear))]
        cal = ctx.calendars.get(s)
        return {"overrides": days, "loaded_years": years, "known_years": sorted(cal.known_years)}


def set_override(ctx: Context, p: Principal, day: date, data: OverrideIn) -> dict[str, Any]:
    _admin(p)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        row = s.get(CalendarOverride, day)
        before = {"is_workday": row.is_workday, "note": row.note} if row else {}
        if row is None:
            row = CalendarOverride(day=day, is_workday=data.is_workday, note=data.note, created_at=now)
            s.add(row)
        else:
            row.is_workday, row.note = data.is_workday, data.note
        record(s, p.who, at=now, entity="calendar", entity_id=day.isoformat(), action="set_override",
               before=before, after={"is_workday": data.is_workday, "note": data.note})
    ctx.calendars.invalidate()
    return {"day": day.isoformat(), "is_workday": data.is_workday, "note": data.note}


def delete_override(ctx: Context, p: Principal, day: date) -> None:
    _admin(p)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        row = s.get(CalendarOverride, day)
        if row is None:
            raise NotFound(f"{day.isoformat()} 没有自定义安排", field="day")
        s.delete(row)
        record(s, p.who, at=now, entity="calendar", entity_id=day.isoformat(), action="delete_override",
               before={"is_workday": row.is_workday, "note": row.note})
    ctx.calendars.invalidate()


def load_year(ctx: Context, p: Principal, year: int, data: YearSchedule) -> dict[str, Any]:
    """Replace a year's official schedule: every listed day becomes an override, the year 'known'."""
    _admin(p)
    for name, days in (("days_off", data.days_off), ("workdays", data.workdays)):
        wrong = [d for d in days if d.year != year]
        if wrong:
            raise InvalidInput(f"{wrong[0].isoformat()} 不属于 {year} 年", field=name)
    both = set(data.days_off) & set(data.workdays)
    if both:
        raise InvalidInput(f"{min(both).isoformat()} 不能既放假又上班", field="workdays")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        s.execute(delete(CalendarOverride).where(extract("year", CalendarOverride.day) == year))
        for d in data.days_off:
            s.add(CalendarOverride(day=d, is_workday=False, note=data.note or "法定节假日", created_at=now))
        for d in data.workdays:
            s.add(CalendarOverride(day=d, is_workday=True, note=data.note or "调休上班", created_at=now))
        if s.get(CalendarLoadedYear, year) is None:
            s.add(CalendarLoadedYear(year=year, note=data.note, created_at=now))
        record(s, p.who, at=now, entity="calendar", entity_id=str(year), action="load_year",
               after={"days_off": len(data.days_off), "workdays": len(data.workdays), "note": data.note})
    ctx.calendars.invalidate()
    return {"year": year, "days_off": len(data.days_off), "workdays": len(data.workdays)}
