"""The cases dashboard: cases received by kind, category, service and region, timeliness
against the service levels, outcomes, each beside the previous period; filters in the
address, bad ones left out with a message; team restrictions; the CSV, safe and audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.cases.dashboard import _median, case_dashboard, period_for
from chorus.cases.models import Case, Category, Kind, Outcome, Status
from chorus.core.models import AuditEntry
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from tests.cases.conftest import open_case
from tests.conftest import sign_in
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

URL = "/staff/cases/dashboard/"
# The second quarter of 2026, against the first.
Q2 = {
    "period": "custom",
    "start_day": "1",
    "start_month": "4",
    "start_year": "2026",
    "end_day": "30",
    "end_month": "6",
    "end_year": "2026",
}


def _case(
    *,
    team: Team | None,
    kind: str = Kind.COMPLAINT,
    received: date,
    due: date | None = None,
    closed: date | None = None,
    outcome: str = "",
    **values: Any,
) -> Case:
    case = open_case(team=team, kind=kind, **values)
    changes: dict[str, Any] = {
        "received_on": received,
        "stage_started_on": received,
        "due_on": due or received + timedelta(days=14),
    }
    if closed:
        changes.update(
            status=Status.CLOSED,
            outcome=outcome,
            closed_at=timezone.make_aware(datetime.combine(closed, time(16, 30))),
        )
    Case.objects.filter(pk=case.pk).update(**changes)
    case.refresh_from_db()
    return case


@pytest.fixture
def cases(team: Team, other_team: Team) -> dict[str, Any]:
    delays = Category.objects.create(name_en="Delays", name_cy="Oedi")
    regions_ensure()
    wales = Region.objects.get(name_en="Wales")
    cardiff = PlaceFactory(region=wales)
    made = {
        # This period: a complaint closed within its 10 working days (5 taken, Easter before it)...
        "quick": _case(
            team=team,
            received=date(2026, 4, 7),
            due=date(2026, 4, 21),
            closed=date(2026, 4, 14),
            outcome=Outcome.UPHELD,
            category=delays,
            service="Probate",
            place=cardiff,
        ),
        # ...one closed late (18 working days: two bank holidays in May)...
        "late": _case(
            team=team,
            received=date(2026, 5, 1),
            due=date(2026, 5, 15),
            closed=date(2026, 5, 29),
            outcome=Outcome.NOT_UPHELD,
            service="Probate",
        ),
        # ...and an enquiry still open, now long overdue.
        "open": _case(
            team=team,
            kind=Kind.ENQUIRY,
            received=date(2026, 6, 10),
            due=date(2026, 6, 24),
            service="Family court",
        ),
        # The previous period: a compliment and a complaint, both closed in time.
        "thanks": _case(
            team=None,
            kind=Kind.COMPLIMENT,
            received=date(2026, 2, 10),
            due=date(2026, 2, 17),
            closed=date(2026, 2, 12),
        ),
        "earlier": _case(
            team=team,
            received=date(2026, 3, 2),
            due=date(2026, 3, 16),
            closed=date(2026, 3, 10),
            outcome=Outcome.PARTLY_UPHELD,
        ),
        # Another team's case, in the period: never counted for this team's officer.
        "hidden": _case(
            team=other_team,
            received=date(2026, 4, 8),
            service="Secret service BETAONLY",
            closed=date(2026, 4, 9),
            outcome=Outcome.UPHELD,
        ),
        # After the period: not counted.
        "after": _case(team=team, kind=Kind.SUGGESTION, received=date(2026, 7, 5), name="", email=""),
    }
    made["delays"], made["wales"] = delays, wales
    return made


def _page(client: Client, **params: str) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def _main(page: str) -> str:
    """The page's main content (the language links repeat the address's query)."""
    return page[page.index("<main") : page.index("</main>")]


def _csv(client: Client, **params: str) -> list[list[str]]:
    response = client.get(URL, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cases-dashboard-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _figures(rows: list[list[str]]) -> dict[tuple[str, str], tuple[str, str, str]]:
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows[1:] if len(r) == 5}


def test_the_figures_count_this_period_against_the_one_before(officer: User, cases: dict[str, Any]) -> None:
    period = period_for("custom", date(2026, 12, 7), date(2026, 4, 1), date(2026, 6, 30))
    assert (period.previous_start, period.previous_end) == (date(2026, 1, 1), date(2026, 3, 31))
    board = case_dashboard(user=officer, period=period, filters={}, today=date(2026, 12, 7))
    kinds = {str(r.label): (r.current, r.previous) for r in board.received[0].rows}
    assert kinds == {"Enquiry": (1, 0), "Complaint": (2, 1), "Compliment": (0, 1), "Suggestion": (0, 0)}
    services = {str(r.label): (r.current, r.previous) for r in board.received[2].rows}
    assert services == {"Probate": (2, 0), "Family court": (1, 0), "Not recorded": (0, 2)}
    assert {str(r.label): r.current for r in board.received[1].rows} == {"Delays": 1, "Not recorded": 2}
    assert {str(r.label): r.current for r in board.received[3].rows} == {"Wales": 1, "Not recorded": 2}
    headline = {str(r.label): (r.current, r.previous) for r in board.headline}
    assert headline == {
        "Cases received": (3, 2),
        "Cases closed": (2, 2),
        "Closed within the service level": (1, 2),
        "Complaints closed": (2, 1),
        "Complaints upheld or partly upheld": (1, 1),
    }
    assert (board.within_share, board.within_share_before) == (50, 100)
    assert (board.upheld_share, board.upheld_share_before) == (50, 100)
    first = next(t for t in board.timeliness if t.kind == Kind.COMPLAINT and t.stage == "first_response")
    assert (first.closed, first.within, first.share, first.share_before, first.share_change) == (
        2,
        1,
        50,
        100,
        -50,
    )
    assert first.working_days == 10
    # 5 and 18 working days (Good Friday and Easter Monday before the first; both May bank
    # holidays inside the second); 6 in the period before.
    assert (first.median, first.median_before) == (11.5, 6)
    outcomes = {str(r.label): (r.current, r.previous) for r in board.outcomes.rows}
    assert outcomes == {"Upheld": (1, 0), "Partly upheld": (0, 1), "Not upheld": (1, 0)}
    enquiry = next(t for t in board.timeliness if t.kind == Kind.ENQUIRY)
    assert (enquiry.open_now, enquiry.overdue_now, enquiry.median) == (1, 1, None)
    # The suggestion after the period is open, and overdue, too.
    assert (board.open_now, board.overdue_now) == (2, 2)


def test_the_page_shows_the_figures_beside_the_previous_period_with_charts_and_tables(
    officer_client: Client, cases: dict[str, Any]
) -> None:
    page = _page(officer_client, **Q2)
    assert "1 April 2026 to 30 June 2026, compared with 1 January 2026 to 31 March 2026" in page
    assert (
        page.count('<svg class="chorus-chart" role="img"') == 6
    )  # kind, category, service, region, timeliness, outcomes
    # headline, the four received, two of timeliness, outcomes and satisfaction
    assert page.count('<table class="govuk-table">') == 9
    assert "Probate" in page and "Family court" in page and "Delays" in page and "Wales" in page
    assert "Complaint: First response" in page and "11.5" in page and "50%" in page
    assert "BETAONLY" not in page
    for internal in ("None", "first_response", "not_upheld", "2026-04-01"):
        assert internal not in page


def test_this_quarter_so_far_is_the_default(officer_client: Client, team: Team) -> None:
    today = timezone.localdate()
    _case(team=team, kind=Kind.ENQUIRY, received=today)
    page = _page(officer_client)
    assert 'value="this_quarter" checked' in page
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    board_start = period_for("this_quarter", today).start
    assert board_start == quarter_start
    rows = _figures(_csv(officer_client))
    assert rows[("Headline figures", "Cases received")][0] == "1"


def test_last_quarter_is_the_whole_quarter_before_this_one() -> None:
    period = period_for("last_quarter", date(2026, 12, 7))
    assert (period.start, period.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert (period.previous_start, period.previous_end) == (date(2026, 4, 1), date(2026, 6, 30))
    this = period_for("this_quarter", date(2026, 12, 7))
    assert (this.start, this.end) == (date(2026, 10, 1), date(2026, 12, 7))
    assert (this.previous_start, this.previous_end) == (date(2026, 7, 25), date(2026, 9, 30))
    assert this.days == (this.previous_end - this.previous_start).days + 1


def test_filters_in_the_address_narrow_every_figure(officer_client: Client, cases: dict[str, Any]) -> None:
    rows = _figures(_csv(officer_client, **Q2, kind="enquiry"))
    assert rows[("Headline figures", "Cases received")][:2] == ("1", "0")
    assert rows[("Filter", "Kind")][0] == "Enquiry"
    rows = _figures(_csv(officer_client, **Q2, category=str(cases["delays"].pk)))
    assert rows[("Headline figures", "Cases received")][:2] == ("1", "0")
    rows = _figures(_csv(officer_client, **Q2, region=str(cases["wales"].pk)))
    assert rows[("Headline figures", "Complaints upheld or partly upheld")][:2] == ("1", "0")
    rows = _figures(_csv(officer_client, **Q2, service="Probate"))
    assert rows[("Headline figures", "Cases closed")][:2] == ("2", "0")
    page = _page(officer_client, **Q2, service="Probate")
    assert "Filters applied" in page and "Service: Probate" in page


def test_overdue_cases_opens_the_list_with_the_filters_it_shares(
    officer_client: Client, cases: dict[str, Any]
) -> None:
    page = _page(officer_client, **Q2, kind="complaint", service="Probate", category=str(cases["delays"].pk))
    link = f"/staff/cases/?kind=complaint&amp;category={cases['delays'].pk}&amp;due=overdue"
    assert link in page


def test_a_filter_value_that_does_not_fit_is_left_out_with_a_message_and_the_others_kept(
    officer_client: Client, cases: dict[str, Any]
) -> None:
    page = _page(officer_client, **Q2, kind="complaint", category="999999", team="nonsense")
    assert "were left out:" in page and "Category, Team." in page
    assert "govuk-error-summary" not in page
    assert "Kind: Complaint" in page
    rows = _figures(_csv(officer_client, **Q2, kind="complaint", category="999999"))
    assert rows[("Headline figures", "Cases received")][:2] == ("2", "1")
    # A service no visible case names (another team's) is left out the same way.
    page = _page(officer_client, **Q2, service="Secret service BETAONLY")
    assert "Service." in page and "BETAONLY" not in _main(page)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"start_day": "31", "start_month": "2", "start_year": "2026"}, "First day must be a real date"),
        ({"start_day": "1", "start_month": "4", "start_year": "2026"}, "Enter the last day"),
        ({"start_day": "1", "start_month": "", "start_year": "2026"}, "First day must include a month"),
        (
            {
                **{k: v for k, v in Q2.items() if k.startswith("end")},
                "start_day": "1",
                "start_month": "7",
                "start_year": "2026",
            },
            "The last day must be on or after the first day",
        ),
    ],
)
def test_wrong_dates_are_explained_and_no_figures_shown(
    officer_client: Client, cases: dict[str, Any], dates: dict[str, str], message: str
) -> None:
    page = _page(officer_client, period="custom", **dates)
    assert "govuk-error-summary" in page and message in page
    assert "<title>Error:" in page
    assert "Headline figures" not in page
    assert officer_client.get(URL, {"period": "custom", **dates, "format": "csv"}).status_code == 400


def test_dates_left_in_the_boxes_do_not_count_for_a_quarter(
    officer_client: Client, cases: dict[str, Any]
) -> None:
    page = _page(officer_client, period="last_quarter", start_day="99")
    assert "govuk-error-summary" not in page and "Headline figures" in page


def test_an_officer_of_another_team_sees_no_counts_of_cases_restricted_to_this_one(
    client: Client, outsider: User, cases: dict[str, Any]
) -> None:
    sign_in(client, outsider)
    rows = _figures(_csv(client, **Q2))
    # Their own team's complaint, and the unrestricted compliment before: nothing of team A's.
    assert rows[("Headline figures", "Cases received")][:2] == ("1", "1")
    assert rows[("Cases received by service", "Secret service BETAONLY")][0] == "1"
    assert ("Cases received by service", "Probate") not in rows
    assert ("Cases received by category", "Delays") not in rows  # offered as a filter, not counted
    page = _page(client, **Q2)
    assert "Probate" not in page


def test_an_administrator_sees_every_team_and_may_filter_by_team(
    admin_client: Client, cases: dict[str, Any], other_team: Team
) -> None:
    rows = _figures(_csv(admin_client, **Q2))
    assert rows[("Headline figures", "Cases received")][:2] == ("4", "2")
    rows = _figures(_csv(admin_client, **Q2, team=str(other_team.pk)))
    assert rows[("Headline figures", "Cases received")][:2] == ("1", "0")
    assert rows[("Filter", "Team")][0] == other_team.name


def test_every_staff_role_may_open_it_and_the_public_may_not(
    client: Client, viewer: User, cases: dict[str, Any]
) -> None:
    assert client.get(URL).status_code == 302
    sign_in(client, viewer)
    assert "Cases dashboard" in _page(client, **Q2)


def test_the_csv_is_spreadsheet_safe_and_audited(officer_client: Client, team: Team) -> None:
    _case(team=team, received=date(2026, 5, 5), service='=HYPERLINK("http://evil.example","x")')
    rows = _csv(officer_client, **Q2)
    assert rows[0] == ["Section", "Item", "This period", "Previous period", "Change"]
    services = [r[1] for r in rows if r[0] == "Cases received by service"]
    assert services == ['\'=HYPERLINK("http://evil.example","x")']
    entry = AuditEntry.objects.get(object_type="cases.dashboard")
    assert entry.action == "export" and entry.object_id == "2026-04-01/2026-06-30"
    assert entry.detail["format"] == "csv"
    # Looking at the page is not a download.
    _page(officer_client, **Q2)
    assert AuditEntry.objects.filter(object_type="cases.dashboard").count() == 1


def test_the_welsh_page_names_categories_and_regions_in_welsh(
    officer_client: Client, cases: dict[str, Any]
) -> None:
    response = officer_client.get("/cy" + URL, Q2)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Oedi" in page and "Cymru" in page
    assert "None" not in page and "first_response" not in page


def test_the_queries_do_not_grow_with_the_number_of_cases(
    officer: User, team: Team, cases: dict[str, Any]
) -> None:
    period = period_for("custom", date(2026, 12, 7), date(2026, 4, 1), date(2026, 6, 30))
    with CaptureQueriesContext(connection) as few:
        case_dashboard(user=officer, period=period, filters={})
    for number in range(30):
        category = Category.objects.create(name_en=f"Category {number}")
        _case(
            team=team,
            kind=Kind.COMPLAINT if number % 2 else Kind.ENQUIRY,
            received=date(2026, 4, 1) + timedelta(days=number),
            closed=date(2026, 5, 1) + timedelta(days=number),
            outcome=Outcome.UPHELD if number % 2 else "",
            category=category,
            service=f"Service {number}",
            place=PlaceFactory(),
        )
    with CaptureQueriesContext(connection) as many:
        board = case_dashboard(user=officer, period=period, filters={})
    assert len(many.captured_queries) == len(few.captured_queries) <= 10
    services = board.received[2]
    assert len(services.rows) == 33  # the CSV has every one
    table = services.table_rows  # the page has the 29 busiest, and the other 4 added up
    assert len(table) == 30 and str(table[-1].label) == "All other services (4)"
    assert sum(r.current for r in table) == sum(r.current for r in services.rows) == 33


def test_the_median_is_read_from_counts() -> None:
    from collections import Counter

    assert _median(Counter()) is None
    assert _median(Counter({3: 1})) == 3
    assert _median(Counter({1: 2, 9: 2})) == 5
    assert _median(Counter({1: 1, 2: 5, 40: 1})) == 2


def test_the_cases_list_leads_to_the_dashboard(officer_client: Client) -> None:
    listing = officer_client.get(reverse("cases:case_list")).content.decode()
    assert f'href="{reverse("cases:case_dashboard")}"' in listing


def test_dates_at_the_ends_of_the_calendar_are_explained_not_a_server_error(officer_client: Client) -> None:
    dates = {"start_day": "1", "start_month": "1", "end_day": "31", "end_month": "12"}
    last = {**dates, "start_year": "9999", "end_year": "9999"}
    page = _page(officer_client, period="custom", **last)
    assert "govuk-error-summary" in page and "The last day must be before the year 9999" in page
    assert officer_client.get(URL, {"period": "custom", **last, "format": "csv"}).status_code == 400
    first = {**dates, "start_year": "1000", "end_year": "1000"}
    assert "Headline figures" in _page(officer_client, period="custom", **first)


def test_a_case_closed_before_the_day_its_stage_started_does_not_break_the_page(
    officer_client: Client, team: Team
) -> None:
    """Staff may type a received date after the day they close the case (a mistyped year):
    the page still shows, counting it closed in no working days."""
    _case(team=team, received=date(2027, 5, 11), closed=date(2026, 5, 12), outcome=Outcome.UPHELD)
    page = _page(officer_client, **Q2)
    assert "Headline figures" in page


def test_a_case_keeps_the_london_day_it_closed_and_loses_it_when_reopened(admin: User) -> None:
    from chorus.cases.services import case_close, case_reopen

    case = open_case(kind=Kind.ENQUIRY)
    # 11:30pm on a summer evening in UTC is already the next day in London.
    late = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(timezone, "now", lambda: late)
        case_close(actor=admin, case=case, outcome="", lesson_learned="")
    case.refresh_from_db()
    assert case.closed_on == date(2026, 7, 2)
    case_reopen(actor=admin, case=case, reason="They wrote again")
    case.refresh_from_db()
    assert case.closed_on is None and case.closed_at is None
