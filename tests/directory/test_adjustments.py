"""Reasonable adjustments: the structured record, staff pages, the person's own link, sharing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from chorus.accounts.models import Role, Team, User
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.adjustments import (
    LINK_MAX_AGE,
    PERSON_ACTOR,
    adjustments_for_service,
    adjustments_save,
    briefing_rows,
    link_token,
    needs_unmet,
    person_from_token,
    unmet_adjustments,
)
from chorus.directory.models import Adjustment, AdjustmentsRecord, Person
from chorus.directory.rights import person_erase, subject_access_contents
from tests.conftest import sign_in
from tests.factories import PlaceFactory, UserFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(team: Team) -> Person:
    return make_person(first_name="Megan", last_name="Rees", emails=["megan@example.org"], team=team)


def _save(
    person: Person, needs: dict[str, str], share: set[str] | None = None, **more: Any
) -> AdjustmentsRecord:
    return adjustments_save(
        person=person,
        needs=needs,
        share_with=share if share is not None else {"event_team"},
        review_on=more.pop("review_on", None),
        via="staff",
        actor=more.pop("actor", None),
    )


def _form_url(person: Person) -> str:
    return reverse("directory:person_adjustments", kwargs={"code": person.code})


def _adjustment_entries(person: Person, action: AuditAction) -> list[AuditEntry]:
    return [
        e
        for e in AuditEntry.objects.filter(object_id=str(person.code), action=action)
        if e.detail.get("adjustments")
    ]


# The record


def test_staff_save_the_needs_sharing_and_review_date(client: Client, officer: User, person: Person) -> None:
    review = timezone.localdate() + timedelta(days=90)
    response = sign_in(client, officer).post(
        _form_url(person),
        {
            "needs": ["bsl_interpreter", "step_free", "other"],
            "details_bsl_interpreter": "Prefers a deaf relay interpreter",
            "details_other": "A seat near the door",
            "details_hearing_loop": "not ticked, so not kept",
            "share_with": ["event_team", "venue"],
            "review_on_day": review.day,
            "review_on_month": review.month,
            "review_on_year": review.year,
        },
    )
    assert response.status_code == 302
    record = AdjustmentsRecord.objects.get(person=person)
    assert {n.category: n.details for n in record.needs.all()} == {
        "bsl_interpreter": "Prefers a deaf relay interpreter",
        "step_free": "",
        "other": "A seat near the door",
    }
    assert (record.share_event_team, record.share_venue, record.share_other_services) == (True, True, False)
    assert record.review_on == review
    assert record.recorded_by == officer and record.recorded_via == "staff"
    change = _adjustment_entries(person, AuditAction.CHANGE)
    assert len(change) == 1 and change[0].actor == officer

    page = client.get(reverse("directory:person_detail", kwargs={"code": person.code})).content.decode()
    assert "Prefers a deaf relay interpreter" in page and "Step-free access" in page
    assert len(_adjustment_entries(person, AuditAction.VIEW)) == 1


def test_saving_again_replaces_the_needs(person: Person) -> None:
    _save(person, {"hearing_loop": "", "easy_read": ""})
    _save(person, {"easy_read": "Pictures help"}, share=set())
    record = AdjustmentsRecord.objects.get(person=person)
    assert [(n.category, n.details) for n in record.needs.all()] == [("easy_read", "Pictures help")]
    assert not record.share_event_team


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"needs": ["other"], "details_other": " "}, "Enter what else they need"),
        (
            {"review_on_day": "1", "review_on_month": "1", "review_on_year": "2020"},
            "The review date must be today or in the future",
        ),
        (
            {"review_on_day": "31", "review_on_month": "2", "review_on_year": "2030"},
            "Review date must be a real date",
        ),
    ],
)
def test_the_form_says_how_to_put_a_mistake_right(
    client: Client, officer: User, person: Person, data: dict[str, Any], message: str
) -> None:
    response = sign_in(client, officer).post(_form_url(person), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    assert not AdjustmentsRecord.objects.filter(person=person).exists()


def test_the_database_refuses_something_else_without_details(person: Person) -> None:
    record = AdjustmentsRecord.objects.create(person=person, recorded_via="staff")
    with pytest.raises(IntegrityError), transaction.atomic():
        Adjustment.objects.create(record=record, category="other", details="")


# Who may see and change it


def test_another_team_gets_404_and_a_viewer_may_not_change(
    client: Client, outsider: User, viewer: User, person: Person
) -> None:
    _save(person, {"hearing_loop": "Left ear"})
    sign_in(client, outsider)
    assert client.get(_form_url(person)).status_code == 404
    assert client.post(_form_url(person), {"needs": ["easy_read"]}).status_code == 404
    sign_in(client, viewer)
    assert client.get(_form_url(person)).status_code == 403
    assert client.post(_form_url(person), {"needs": ["easy_read"]}).status_code == 403
    assert (
        "Left ear"
        not in client.get(reverse("directory:person_detail", kwargs={"code": person.code})).content.decode()
    )
    assert [n.category for n in AdjustmentsRecord.objects.get(person=person).needs.all()] == ["hearing_loop"]


# The person's own link


def test_staff_email_the_person_a_link_in_their_language(
    client: Client, officer: User, team: Team, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    welsh = make_person(
        first_name="Siân", last_name="Ifans", emails=["sian@example.org"], team=team, preferred_language="cy"
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, officer).post(
            reverse("directory:person_adjustments_link", kwargs={"code": welsh.code})
        )
    assert [m.to for m in mailoutbox] == [["sian@example.org"]]
    assert "/cy/your-adjustments/" in mailoutbox[0].body
    assert AuditEntry.objects.filter(
        object_id=str(welsh.code), actor=officer, action=AuditAction.CREATE
    ).exists()


def test_the_request_page_says_the_same_whether_or_not_the_email_is_held(
    client: Client, person: Person, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("directory_public:adjustments_request")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "Megan@Example.org"}).content.decode()
        unknown = client.post(url, {"email": "nobody@example.org"}).content.decode()

    def page(body: str, email: str) -> str:
        return re.sub(r'nonce="[^"]*"', "", body.replace(email, "X"))

    assert page(known, "Megan@Example.org") == page(unknown, "nobody@example.org")
    assert [m.to for m in mailoutbox] == [["Megan@Example.org"]]
    assert "/your-adjustments/" in mailoutbox[0].body


def test_the_link_shows_changes_and_withdraws_their_adjustments_audited_as_them(
    client: Client, person: Person
) -> None:
    _save(person, {"hearing_loop": "Left ear"}, share={"event_team", "other_services"})
    url = reverse("directory_public:adjustments_change", kwargs={"token": link_token(person)})
    page = client.get(url).content.decode()
    assert "Left ear" in page and "Other services of the organisation" in page
    viewed = _adjustment_entries(person, AuditAction.VIEW)
    assert viewed[0].actor is None and viewed[0].actor_label == PERSON_ACTOR

    client.post(
        url, {"needs": ["quiet_space"], "details_quiet_space": "Breaks every hour", "share_with": ["venue"]}
    )
    record = AdjustmentsRecord.objects.get(person=person)
    assert [n.category for n in record.needs.all()] == ["quiet_space"]
    assert (record.share_event_team, record.share_venue, record.share_other_services) == (False, True, False)
    assert record.recorded_via == "person" and record.recorded_by is None
    assert _adjustment_entries(person, AuditAction.CHANGE)[0].actor_label == PERSON_ACTOR

    assert "have been removed" in client.post(url, {"withdraw": "yes"}).content.decode()
    assert not AdjustmentsRecord.objects.filter(person=person).exists()
    assert _adjustment_entries(person, AuditAction.DELETE)[0].actor_label == PERSON_ACTOR


def test_the_link_page_is_in_welsh_under_cy(client: Client, person: Person) -> None:
    with override("cy"):
        url = reverse("directory_public:adjustments_change", kwargs={"token": link_token(person)})
    assert url.startswith("/cy/")
    response = client.get(url)
    assert response.status_code == 200 and 'lang="cy"' in response.content.decode()


def test_an_altered_or_expired_link_is_refused(client: Client, person: Person) -> None:
    token = link_token(person)
    assert person_from_token(token) == person
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert person_from_token(forged) is None
    assert person_from_token(signing.dumps({"person": str(person.code)}, salt="another purpose")) is None
    url = reverse("directory_public:adjustments_change", kwargs={"token": forged})
    assert client.get(url).status_code == 410
    assert client.post(url, {"needs": ["easy_read"]}).status_code == 410

    made = timezone.now() - LINK_MAX_AGE - timedelta(minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=made.timestamp()):
        stale = link_token(person)
    assert person_from_token(stale) is None
    stale_url = reverse("directory_public:adjustments_change", kwargs={"token": stale})
    assert client.post(stale_url, {"needs": ["easy_read"]}).status_code == 410
    assert not AdjustmentsRecord.objects.filter(person=person).exists()


# Sharing


def test_the_briefing_lists_only_those_who_agreed_with_name_and_needs(team: Team) -> None:
    agreed = make_person(
        first_name="Ann", last_name="Agreed", emails=["ann@example.org"], phones=["07700 900 982"], team=team
    )
    refused = make_person(first_name="Rhys", last_name="Refused", team=team)
    nothing = make_person(first_name="Nia", last_name="Nothing", team=team)
    _save(agreed, {"hearing_loop": "Left ear"})
    _save(refused, {"step_free": ""}, share={"venue"})
    rows = briefing_rows([agreed, refused, nothing])
    assert [(r.name, [(n.label, n.details) for n in r.needs]) for r in rows] == [
        ("Ann Agreed", [("Hearing loop", "Left ear")])
    ]
    text = repr(rows)
    assert "ann@example.org" not in text and "07700" not in text and str(agreed.code) not in text


def test_other_services_read_adjustments_only_where_the_person_agreed(
    team: Team, officer: User, outsider: User
) -> None:
    agreed = make_person(last_name="Agreed", team=team)
    refused = make_person(last_name="Refused", team=team)
    _save(agreed, {"easy_read": ""}, share={"other_services"})
    _save(refused, {"easy_read": ""}, share={"event_team"})
    found = adjustments_for_service(agreed, officer)
    assert found is not None and [n.category for n in found.needs] == ["easy_read"]
    assert adjustments_for_service(refused, officer) is None
    assert adjustments_for_service(agreed, outsider) is None  # may not see the person at all
    inactive = UserFactory(role=Role.ADMINISTRATOR, is_active=False)
    assert adjustments_for_service(agreed, inactive) is None
    assert AuditEntry.objects.filter(
        object_id=str(agreed.code), actor=officer, action=AuditAction.VIEW
    ).exists()


# Checking a venue


def test_needs_unmet_counts_people_and_says_why() -> None:
    needs = {1: {"hearing_loop", "bsl_interpreter"}, 2: {"hearing_loop"}, 3: {"step_free"}}
    unmet = needs_unmet(needs, facilities={"step_free"}, booked_support=set(), has_place=True)
    with override("en"):
        assert [u.message for u in unmet] == [
            "British Sign Language interpreter: 1 person needs this; it is not booked or arranged yet.",
            "Hearing loop: 2 people need this; the venue has none recorded.",
        ]
    assert (
        needs_unmet(
            needs,
            facilities={"step_free", "hearing_loop"},
            booked_support={"bsl_interpreter"},
            has_place=True,
        )
        == []
    )
    online = needs_unmet(needs, facilities=set(), booked_support=set(), has_place=False, online_only=True)
    assert [u.category for u in online] == ["bsl_interpreter"]


def test_unmet_adjustments_reads_the_venue_and_counts_only_those_who_agreed(team: Team) -> None:
    loop_hall = PlaceFactory(hearing_loop=True, step_free=False)
    a = make_person(last_name="A", team=team)
    b = make_person(last_name="B", team=team)
    c = make_person(last_name="C", team=team)
    _save(a, {"hearing_loop": "", "step_free": ""})
    _save(b, {"step_free": ""})
    _save(c, {"step_free": ""}, share=set())
    unmet = unmet_adjustments([a, b, c], loop_hall)
    assert [(u.category, u.count) for u in unmet] == [("step_free", 2)]
    assert unmet_adjustments([a, b, c], None)[0].reason == "no venue is recorded"


# Rights


def test_subject_access_includes_and_erasure_removes_the_adjustments(person: Person) -> None:
    _save(person, {"other": "Needs a lift to the second floor"})
    files = subject_access_contents(person)
    assert "Needs a lift to the second floor" in files["adjustment.csv"]
    assert "adjustmentsrecord.csv" in files
    person_erase(actor=None, person=person)
    assert not AdjustmentsRecord.objects.filter(person=person).exists()
    assert not Adjustment.objects.exists()


def test_a_merge_moves_the_adjustments_to_the_kept_record(admin: User, team: Team) -> None:
    from chorus.directory.duplicates import person_merge

    survivor = make_person(first_name="Megan", last_name="Rees", team=team)
    duplicate = make_person(first_name="Meg", last_name="Rees", team=team)
    _save(duplicate, {"hearing_loop": "Left ear"})
    person_merge(actor=admin, survivor=survivor, duplicate=duplicate)
    assert [n.details for n in AdjustmentsRecord.objects.get(person=survivor).needs.all()] == ["Left ear"]


def test_the_relationship_owner_is_told_when_adjustments_are_due_for_review(
    officer: User, team: Team
) -> None:
    from chorus.core.registry import attention_for

    mine = make_person(first_name="Megan", last_name="Rees", team=team, owner=officer)
    _save(mine, {"easy_read": ""}, review_on=timezone.localdate() + timedelta(days=30))
    assert not [i for i in attention_for(officer) if str(i.title) == "Reasonable adjustments to review"]
    AdjustmentsRecord.objects.filter(person=mine).update(review_on=timezone.localdate() - timedelta(days=1))
    items = [i for i in attention_for(officer) if str(i.title) == "Reasonable adjustments to review"]
    assert len(items) == 1 and items[0].count == 1 and "Megan Rees" in str(items[0].description)


def test_asking_for_links_again_and_again_sends_no_more_but_says_the_same(
    client: Client, person: Person, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("directory_public:adjustments_request")
    with django_capture_on_commit_callbacks(execute=True):
        pages = [client.post(url, {"email": "megan@example.org"}).status_code for _ in range(5)]
    assert pages == [200] * 5
    assert len(mailoutbox) == 3
