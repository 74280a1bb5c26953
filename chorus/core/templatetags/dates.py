"""Date filters every template has (registered as builtins in settings): the GOV.UK style.

``{{ value|date }}`` already gives "5 December 2026" (``chorus/core/formats``); these add the time.
"""

from __future__ import annotations

import datetime

from django import template

from chorus.core import dates

register = template.Library()


@register.filter(expects_localtime=True)
def date_and_time(value: datetime.datetime | None, arg: str = "") -> str:
    """``{{ sent_at|date_and_time }}``: "5 December 2026 at 11:03pm";
    ``{{ starts_at|date_and_time:"weekday" }}``: "Saturday 5 December 2026 at 11:03pm"."""
    if not isinstance(value, datetime.datetime):
        return ""
    return dates.date_and_time(value, weekday=arg == "weekday")


@register.filter(expects_localtime=True)
def time_of_day(value: datetime.datetime | datetime.time | None) -> str:
    """``{{ starts_at|time_of_day }}``: "11:03pm", "9am", "midday"."""
    if not isinstance(value, datetime.datetime | datetime.time):
        return ""
    return dates.time_of_day(value)


@register.filter(expects_localtime=True)
def long_date(value: datetime.date | str | None) -> str:
    """``{{ point.assessed_on|long_date }}``: "5 December 2026", also from an ISO date string
    (as kept in JSON for charts)."""
    if isinstance(value, str):
        try:
            return dates.long_date(datetime.date.fromisoformat(value[:10]))
        except ValueError:
            return value
    if not isinstance(value, datetime.date):
        return ""
    return dates.long_date(value)
