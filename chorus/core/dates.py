"""Dates and times as GOV.UK writes them: "5 December 2026", "5 December 2026 at 11:03pm".

Dates alone use Django's ``DATE_FORMAT`` (``chorus/core/formats/<language>/formats.py``);
times need these functions, because Django's format letters only write "p.m." or "PM".
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def time_of_day(value: datetime.datetime | datetime.time) -> str:
    """ "11:03pm", "9am", "midday", "midnight" (Welsh: "11:03yh", "9yb", "canol dydd")."""
    if isinstance(value, datetime.datetime):
        value = _local(value).time()
    if value.minute == 0 and value.hour in (0, 12):
        return _("midnight") if value.hour == 0 else _("midday")
    hour = value.hour % 12 or 12
    clock = f"{hour}:{value.minute:02d}" if value.minute else str(hour)
    if value.hour < 12:
        # Translators: a time before noon, as in "9:30am" (Welsh "9:30yb").
        return _("%(clock)sam") % {"clock": clock}
    # Translators: a time after noon, as in "2:15pm" (Welsh "2:15yh").
    return _("%(clock)spm") % {"clock": clock}


def long_date(value: datetime.date | datetime.datetime, *, weekday: bool = False) -> str:
    """ "5 December 2026", or "Saturday 5 December 2026" with the weekday."""
    if isinstance(value, datetime.datetime):
        value = _local(value)
    return date_format(value, "l j F Y" if weekday else "DATE_FORMAT")


def date_and_time(value: datetime.datetime, *, weekday: bool = False) -> str:
    """ "5 December 2026 at 11:03pm" (Welsh: "5 Rhagfyr 2026 am 11:03yh")."""
    return _("%(date)s at %(time)s") % {
        "date": long_date(value, weekday=weekday),
        "time": time_of_day(value),
    }
