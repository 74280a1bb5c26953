"""Working days skip weekends and the bank holidays of the nation the cases follow."""

from __future__ import annotations

from datetime import date

import pytest

from chorus.cases.working_days import add_working_days, is_working_day, working_days_between


def test_christmas_2026_and_the_boxing_day_substitute_are_skipped() -> None:
    # Thursday 24 December 2026: Christmas is on the Friday, Boxing Day on the Saturday,
    # so Monday 28 December is the substitute day.
    assert add_working_days(date(2026, 12, 24), 1, "england-and-wales") == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 24), 4, "england-and-wales") == date(2027, 1, 4)


def test_easter_2027_is_four_days_off_in_england_and_wales_but_scotland_works_easter_monday() -> None:
    # Good Friday 26 March 2027 and Easter Monday 29 March.
    assert add_working_days(date(2027, 3, 25), 1, "england-and-wales") == date(2027, 3, 30)
    assert add_working_days(date(2027, 3, 25), 1, "scotland") == date(2027, 3, 29)


def test_scotland_takes_the_second_of_january_and_its_substitute() -> None:
    # 2 January 2027 is a Saturday, so Scotland's holiday moves to Monday 4 January.
    assert not is_working_day(date(2027, 1, 4), "scotland")
    assert is_working_day(date(2027, 1, 4), "england-and-wales")
    assert add_working_days(date(2026, 12, 31), 1, "scotland") == date(2027, 1, 5)
    assert add_working_days(date(2026, 12, 31), 1, "england-and-wales") == date(2027, 1, 4)


def test_northern_ireland_keeps_st_patricks_day() -> None:
    assert not is_working_day(date(2027, 3, 17), "northern-ireland")
    assert is_working_day(date(2027, 3, 17), "england-and-wales")


def test_ten_working_days_from_an_ordinary_monday_is_a_fortnight() -> None:
    assert add_working_days(date(2027, 6, 7), 10, "england-and-wales") == date(2027, 6, 21)


def test_days_between_count_forward_and_back_in_working_days() -> None:
    friday, next_tuesday = date(2027, 6, 11), date(2027, 6, 15)
    assert working_days_between(friday, next_tuesday, "england-and-wales") == 2
    assert working_days_between(next_tuesday, friday, "england-and-wales") == -2
    assert working_days_between(friday, friday, "england-and-wales") == 0
    # Over Christmas 2026: from Wednesday 23 December to Tuesday 29 December is 2 working days.
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 29), "england-and-wales") == 2


def test_the_setting_chooses_the_nation(settings) -> None:
    settings.CASES_HOLIDAY_REGION = "scotland"
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 5)


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown holiday region"):
        add_working_days(date(2027, 6, 7), 1, "wessex")
