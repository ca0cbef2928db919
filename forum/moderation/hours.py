"""Facilitated hours: when facilitators are around, and what changes outside them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from forum.db import utcnow
from forum.extensions import db
from forum.pages.models import SiteSetting

SETTING_KEY = "facilitated_hours"
_CACHE_SECONDS = 30.0
_cache: dict[str, Any] = {"at": -1e9, "hours": None}


class HoursInvalid(ValueError):
    """Facilitated hours are written HH:MM-HH:MM with a time zone name."""


@dataclass(frozen=True)
class Hours:
    start: clock
    end: clock
    zone: str

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M} {self.zone}"


def parse_hours(text: str) -> Hours:
    """Parse "09:00-21:00 Europe/London" (the zone defaults to UTC)."""
    span, _, zone = text.strip().partition(" ")
    try:
        first, last = span.split("-")
        start, end = clock.fromisoformat(first), clock.fromisoformat(last)
        ZoneInfo(zone or "UTC")
    except (ValueError, KeyError) as error:
        raise HoursInvalid(f"Write hours as HH:MM-HH:MM Zone/Name, not {text!r}.") from error
    return Hours(start, end, zone or "UTC")


def set_hours(text: str | None) -> Hours | None:
    """Store facilitated hours, or clear them (None: always facilitated)."""
    row = db.session.get(SiteSetting, SETTING_KEY)
    if text is None:
        if row is not None:
            db.session.delete(row)
        _cache["at"] = -1e9
        return None
    hours = parse_hours(text)
    row = row or SiteSetting(key=SETTING_KEY)
    row.value, row.updated_at = str(hours), utcnow()
    db.session.add(row)
    _cache["at"] = -1e9
    return hours


def current_hours() -> Hours | None:
    """The facilitated hours, cached for a few seconds per process (None: always)."""
    now = time.monotonic()
    if now - _cache["at"] > _CACHE_SECONDS:
        row = db.session.get(SiteSetting, SETTING_KEY)
        _cache.update(at=now, hours=parse_hours(row.value) if row else None)
    return _cache["hours"]


def is_out_of_hours(hours: Hours | None, moment: datetime | None = None) -> bool:
    """True outside the facilitated hours (never when no hours are set)."""
    if hours is None:
        return False
    local = (moment or utcnow()).astimezone(ZoneInfo(hours.zone)).time()
    if hours.start <= hours.end:
        return not hours.start <= local < hours.end
    return hours.end <= local < hours.start  # hours that run past midnight


def next_opening(hours: Hours, moment: datetime | None = None) -> datetime:
    """When facilitators are next back, in the hours' own time zone."""
    local = (moment or utcnow()).astimezone(ZoneInfo(hours.zone))
    opening = local.replace(hour=hours.start.hour, minute=hours.start.minute, second=0)
    opening = opening.replace(microsecond=0)
    return opening if opening > local else opening + timedelta(days=1)
