"""One date format across Chorus (GOV.UK: "5 December 2026 at 11:03pm"), the GOV.UK date
input wherever staff enter a date, and selects that say "Choose one"."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chorus.core import dates
from chorus.core.forms import GovukDateField, GovukDateTimeField
from chorus.engagement.models import Activity
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def test_dates_and_times_read_the_govuk_way() -> None:
    evening = datetime(2026, 12, 5, 23, 3, tzinfo=LONDON)
    assert dates.date_and_time(evening) == "5 December 2026 at 11:03pm"
    assert dates.date_and_time(evening, weekday=True) == "Saturday 5 December 2026 at 11:03pm"
    assert dates.time_of_day(datetime(2026, 12, 5, 9, 0, tzinfo=LONDON)) == "9am"
    assert dates.time_of_day(datetime(2026, 12, 5, 12, 0, tzinfo=LONDON)) == "midday"
    assert dates.long_date(evening.date()) == "5 December 2026"
    with translation.override("cy"):
        assert dates.long_date(evening.date()) == "5 Rhagfyr 2026"


def test_a_public_page_shows_dates_in_the_govuk_format_in_english_and_welsh(client: Client) -> None:
    consultation = ConsultationFactory(
        is_published=True,
        opens_at=datetime(2026, 11, 2, 9, 0, tzinfo=LONDON),
        closes_at=datetime(2026, 12, 5, 23, 3, tzinfo=LONDON),
    )
    url = reverse("consultations:public_consultation", args=[consultation.code])
    page = client.get(url).content.decode()
    assert "Saturday 5 December 2026 at 11:03pm" in page
    assert "Dec. 5" not in page and "p.m." not in page and "23:03" not in page
    welsh = client.get(f"/cy{url}").content.decode()
    assert "5 Rhagfyr 2026" in welsh


class _Dates(forms.Form):
    closes = GovukDateField(
        label="Closes", subject="Closing date", error_messages={"required": "Enter when it closes"}
    )
    sends = GovukDateTimeField(label="Send at", subject="Sending date", required=False)


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        ({"closes_day": "5", "closes_year": "2026"}, "Closing date must include a month"),
        ({"closes_month": "12"}, "Closing date must include a day and year"),
        (
            {"closes_day": "31", "closes_month": "2", "closes_year": "2026"},
            "Closing date must be a real date",
        ),
        (
            {"closes_day": "5", "closes_month": "13", "closes_year": "2026"},
            "Closing date must be a real date",
        ),
        ({}, "Enter when it closes"),
    ],
)
def test_the_date_input_says_what_is_wrong_the_govuk_way(boxes: dict[str, str], message: str) -> None:
    form = _Dates(boxes)
    assert not form.is_valid()
    assert form.errors["closes"] == [message]


def test_a_date_and_time_come_back_as_one_moment_in_local_time() -> None:
    form = _Dates(
        {
            "closes_day": "5",
            "closes_month": "12",
            "closes_year": "2026",
            "sends_day": "5",
            "sends_month": "12",
            "sends_year": "2026",
            "sends_time": "11:03pm",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sends"] == datetime(2026, 12, 5, 23, 3, tzinfo=LONDON)
    late = _Dates(
        {
            "closes_day": "5",
            "closes_month": "12",
            "closes_year": "2026",
            **{"sends_day": "5", "sends_month": "12", "sends_year": "2026", "sends_time": "25:00"},
        }
    )
    assert late.errors["sends"] == ["Sending date must be a real time, like 9:30am or 14:30"]


def test_a_staff_form_takes_the_date_in_day_month_and_year_boxes(officer_client: Client) -> None:
    url = reverse("engagement:activity_create")
    form = officer_client.get(url).content.decode()
    for box in ("starts_at_day", "starts_at_month", "starts_at_year", "starts_at_time"):
        assert f'name="{box}"' in form
    assert 'class="govuk-date-input"' in form
    bad = officer_client.post(
        url, {"kind": "meeting", "title": "Open day", "starts_at_day": "5", "starts_at_year": "2026"}
    ).content.decode()
    assert "Start date must include a month" in bad
    assert 'href="#id_starts_at_day"' in bad
    # Only the box left empty is marked.
    assert re.search(r'govuk-input--error" id="id_starts_at_month"', bad)
    assert not re.search(r'govuk-input--error" id="id_starts_at_day"', bad)
    officer_client.post(
        url,
        {
            "kind": "meeting",
            "title": "Open day",
            "starts_at_day": "5",
            "starts_at_month": "12",
            "starts_at_year": "2026",
            "starts_at_time": "2:30pm",
        },
    )
    assert Activity.objects.get().starts_at == datetime(2026, 12, 5, 14, 30, tzinfo=LONDON)


def test_selects_say_choose_one_not_dashes(officer_client: Client) -> None:
    page = officer_client.get(reverse("bulletins:bulletin_create")).content.decode()
    assert "<select" in page
    assert '<option value="">Choose one</option>' in page
    assert "---------" not in page


def test_only_the_boxes_that_are_wrong_are_marked(officer_client: Client) -> None:
    """31 February marks the date's boxes, not the empty time; a date with a wrong time marks
    only the time."""
    url = reverse("engagement:activity_create")
    marked = re.compile(r'govuk-input--error" id="id_starts_at_(\w+)"')
    not_real = officer_client.post(
        url,
        {
            "kind": "meeting",
            "title": "Open day",
            "starts_at_day": "31",
            "starts_at_month": "2",
            "starts_at_year": "2026",
        },
    ).content.decode()
    assert "Start date must be a real date" in not_real
    assert set(marked.findall(not_real)) == {"day", "month", "year"}
    bad_time = officer_client.post(
        url,
        {
            "kind": "meeting",
            "title": "Open day",
            "starts_at_day": "3",
            "starts_at_month": "2",
            "starts_at_year": "2026",
            "starts_at_time": "25:99",
        },
    ).content.decode()
    assert "must be a real time" in bad_time
    assert set(marked.findall(bad_time)) == {"time"}
