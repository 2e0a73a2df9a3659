"""What every use case needs: sessions, a clock, settings, the working-day calendar."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from qitong.db.models import CalendarLoadedYear, CalendarOverride
from qitong.domain.clock import Clock
from qitong.domain.timelimits import CountingPolicy, SlaProfile, WorkCalendar, get_profile
from qitong.settings import Settings


@dataclass
class CalendarCache:
    """The calendar is built from chinese-calendar plus the stored overrides, and rebuilt when this
    process changes an override, or after `ttl` seconds so that other processes (the worker, other web
    workers) see an admin's change within a minute."""

    ttl: float = 60.0
    _cal: WorkCalendar | None = None
    _built: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, s: Session) -> WorkCalendar:
        cal = self._cal
        if cal is None or time.monotonic() - self._built > self.ttl:
            with self._lock:
                overrides = {o.day: o.is_workday for o in s.scalars(select(CalendarOverride))}
                years = list(s.scalars(select(CalendarLoadedYear.year)))
                cal = self._cal = WorkCalendar.from_chinese_calendar(overrides, loaded_years=years)
                self._built = time.monotonic()
        return cal

    def invalidate(self) -> None:
        self._cal = None


@dataclass
class Context:
    sessions: sessionmaker[Session]
    clock: Clock
    settings: Settings
    calendars: CalendarCache = field(default_factory=CalendarCache)

    @property
    def policy(self) -> CountingPolicy:
        h, m = (int(x) for x in self.settings.after_hours_cutoff.split(":"))
        return CountingPolicy(tz=ZoneInfo(self.settings.timezone), cutoff=clock_time(h, m))

    def profile_for(self, ticket_type: str) -> SlaProfile:
        code = self.settings.sla_profile_by_type.get(ticket_type, self.settings.sla_profile)
        return get_profile(code)
