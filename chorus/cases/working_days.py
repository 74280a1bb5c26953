"""Working days: weekdays that are not bank holidays in the UK nation whose holidays a case
follows (``CASES_HOLIDAY_REGION``: England and Wales by default, Scotland or Northern
Ireland). The holidays come from the maintained ``holidays`` package (ADR 13)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings

# Chorus's names for the nations whose bank holidays differ, and the ``holidays`` package's.
REGIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}


def holiday_region() -> str:
    return str(getattr(settings, "CASES_HOLIDAY_REGION", "england-and-wales"))


@lru_cache(maxsize=64)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    try:
        subdivision = REGIONS[region]
    except KeyError:
        raise ValueError(f"Unknown holiday region {region!r}: one of {sorted(REGIONS)}") from None
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year))


def is_working_day(day: date, region: str | None = None) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(region or holiday_region(), day.year)


def add_working_days(start: date, days: int, region: str | None = None) -> date:
    """The day ``days`` working days after ``start`` (``start`` itself not counted)."""
    region = region or holiday_region()
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, region):
            left -= 1
    return day


def working_days_between(start: date, end: date, region: str | None = None) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is
    earlier (how many working days overdue), 0 on the same day."""
    region = region or holiday_region()
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    count = 0
    day = low
    while day < high:
        day += timedelta(days=1)
        if is_working_day(day, region):
            count += 1
    return sign * count
