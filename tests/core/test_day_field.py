"""Every date form reads a day the same way: ISO or day first, never month first."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from chorus.core.forms import DayField


@pytest.mark.parametrize("typed", ["2026-03-27", "27/03/2026", "27 3 2026"])
def test_a_day_is_read_in_iso_or_day_first(typed: str) -> None:
    assert DayField().clean(typed) == datetime.date(2026, 3, 27)


def test_a_day_typed_month_first_is_refused() -> None:
    with pytest.raises(forms.ValidationError):
        DayField().clean("03/27/2026")
