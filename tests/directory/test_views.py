from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Team, User
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import DuplicateCandidate, Person
from tests.conftest import sign_in
from tests.core.export_helpers import exported_bytes
from tests.factories import AssessmentFactory, DuplicateCandidateFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(team: Team) -> Person:
    return make_person(
        first_name="Megan",
        last_name="Rees",
        emails=["megan@example.org"],
        phones=["029 2000 1111"],
        team=team,
        communication_needs="Large print",
    )


def _detail(person: Person) -> str:
    return reverse("directory:person_detail", kwargs={"code": person.code})


def test_a_team_member_sees_the_person_and_the_view_is_audited(
    client: Client, officer: User, restricted: Person
) -> None:
    body = sign_in(client, officer).get(_detail(restricted)).content.decode()
    assert "Megan Rees" in body and "megan@example.org" in body and "Large print" in body
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, object_id=str(restricted.code), actor=officer
    ).exists()


def test_an_outsider_gets_404_for_a_team_restricted_person(
    client: Client, outsider: User, restricted: Person
) -> None:
    sign_in(client, outsider)
    assert client.get(_detail(restricted)).status_code == 404
    assert client.get(reverse("directory:person_edit", kwargs={"code": restricted.code})).status_code == 404
    assert "Megan" not in client.get(reverse("directory:person_list")).content.decode()


def test_a_viewer_sees_the_person_but_not_contact_details_or_needs(
    client: Client, viewer: User, restricted: Person
) -> None:
    body = sign_in(client, viewer).get(_detail(restricted)).content.decode()
    assert "Megan Rees" in body
    assert "megan@example.org" not in body and "Large print" not in body and "029 2000 1111" not in body
    csv_text = exported_bytes(client, reverse("directory:person_list") + "?format=csv").decode()
    assert "Rees" in csv_text and "megan@example.org" not in csv_text
    assert client.get(reverse("directory:person_edit", kwargs={"code": restricted.code})).status_code == 403


def test_exporting_the_directory_is_audited(client: Client, officer: User, restricted: Person) -> None:
    sign_in(client, officer)
    csv_text = exported_bytes(client, reverse("directory:person_list") + "?format=csv&q=rees").decode()
    assert "megan@example.org" in csv_text
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, actor=officer, object_repr="Directory CSV"
    ).exists()


def test_contact_details_too_long_to_store_are_refused_with_a_clear_message(officer_client: Client) -> None:
    # Valid to the email validator (64-character local part, long domain) but longer than the
    # 254 characters the directory stores: PostgreSQL would have refused it with a 500.
    long_email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert len(long_email) > 254
    page = officer_client.post(
        reverse("directory:person_create"),
        {
            "last_name": "Hughes",
            "emails": long_email,
            "phones": "029 2000 1234" + " " * 40 + "5",
            "preferred_language": "en",
        },
    )
    body = page.content.decode()
    assert "is too long for an email address. Enter one of at most 254 characters" in body
    assert "is too long for a phone number" in body
    assert not Person.objects.exists()


def test_adding_a_person_validates_every_field_and_saves_nothing_on_error(officer_client: Client) -> None:
    url = reverse("directory:person_create")
    bad = officer_client.post(
        url,
        {
            "last_name": "",
            "emails": "not-an-email",
            "phones": "call me",
            "postcode": "XYZ",
            "preferred_language": "en",
        },
    )
    body = bad.content.decode()
    assert "Enter the person&#x27;s last name" in body
    assert "not-an-email is not an email address" in body
    assert "call me is not a phone number" in body
    assert "Enter a real postcode" in body
    assert not Person.objects.exists()
    good = officer_client.post(
        url,
        {
            "first_name": "Ffion",
            "last_name": "Hughes",
            "emails": "ffion@example.org",
            "postcode": "cf101aa",
            "preferred_language": "cy",
        },
    )
    person = Person.objects.get()
    assert good.url == _detail(person)
    assert person.postcode == "CF10 1AA" and person.preferred_language == "cy"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(person.code)).exists()


def test_directory_search_finds_with_a_typo(officer_client: Client, restricted: Person) -> None:
    from chorus.directory import search

    search.vocabulary_forget()
    body = officer_client.get(reverse("directory:person_list"), {"q": "megn rees"}).content.decode()
    assert "Megan Rees" in body


def test_a_reviewer_merges_a_pair_and_undoes_it(officer_client: Client, officer: User) -> None:
    a = make_person(first_name="Jonathan", last_name="Smith", emails=["js@example.org"])
    b = make_person(first_name="Jon", last_name="Smith", emails=["jon@example.org"])
    candidate = DuplicateCandidateFactory(
        person_a=a,
        person_b=b,
        match_probability=0.97,
        match_weight=5,
        agreement={"first_name": "nickname", "surname": "same"},
    )
    listing = officer_client.get(reverse("directory:duplicate_list")).content.decode()
    assert "Jonathan Smith" in listing
    review = reverse("directory:duplicate_review", kwargs={"code": candidate.code})
    page = officer_client.get(review).content.decode()
    assert "First names that can be short for each other (Jonathan Smith / Jon Smith)" in page
    assert "Very likely the same person (97%)" in page and "js@example.org" in page
    missing_choice = officer_client.post(review, {"decision": "merge"}).content.decode()
    assert "Choose the record to keep" in missing_choice
    step = officer_client.post(review, {"decision": "merge", "survivor": str(a.code)})
    merge_url = reverse("directory:duplicate_merge", kwargs={"code": candidate.code})
    assert step.url == f"{merge_url}?keep={a.code}"
    response = officer_client.post(merge_url, {"keep": str(a.code)})
    assert response.url == _detail(a)
    b.refresh_from_db()
    assert b.merged_into == a
    # The merged record's address now leads to the survivor.
    assert officer_client.get(_detail(b)).url == _detail(a)
    merge = a.merges_kept.get()
    officer_client.post(reverse("directory:merge_undo", kwargs={"code": merge.code}))
    b.refresh_from_db()
    assert b.merged_into is None


def test_marking_a_pair_as_different_people(officer_client: Client) -> None:
    a = make_person(first_name="Ann", last_name="Bell")
    b = make_person(first_name="Anne", last_name="Bell")
    candidate = DuplicateCandidateFactory(person_a=a, person_b=b, match_probability=0.6, match_weight=1)
    officer_client.post(
        reverse("directory:duplicate_review", kwargs={"code": candidate.code}), {"decision": "not_same"}
    )
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.NOT_SAME
    assert "Ann Bell" not in officer_client.get(reverse("directory:duplicate_list")).content.decode()


def test_viewers_and_analysts_do_not_review_duplicates(client: Client, viewer: User) -> None:
    assert sign_in(client, viewer).get(reverse("directory:duplicate_list")).status_code == 403


def test_the_stakeholder_map_places_each_person_and_offers_downloads(
    officer_client: Client, officer: User
) -> None:

    minister = make_person(first_name="Elin", last_name="Jones")
    AssessmentFactory(person=minister, influence=5, interest=2, assessed_by=officer, assessed_on="2026-01-01")
    AssessmentFactory(person=minister, influence=5, interest=4, assessed_by=officer, assessed_on="2026-06-01")
    make_person(first_name="Not", last_name="Assessed")
    page = officer_client.get(reverse("directory:stakeholder_map")).content.decode()
    assert 'aria-label="Elin Jones: influence 5, interest 4"' in page
    assert "Not Assessed" not in page
    csv_text = officer_client.get(reverse("directory:stakeholder_map"), {"format": "csv"}).content.decode()
    assert csv_text.splitlines()[1] == "Elin Jones,5,4,,2026-06-01"
    svg = officer_client.get(reverse("directory:stakeholder_map"), {"format": "svg"})
    assert svg["Content-Type"] == "image/svg+xml" and b"<style>" in svg.content
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_repr="Stakeholder map CSV").exists()


def test_the_map_leaves_out_people_the_user_may_not_see(
    client: Client, outsider: User, team: Team, officer: User
) -> None:

    hidden = make_person(first_name="Secret", last_name="Person", team=team)
    AssessmentFactory(person=hidden, influence=3, interest=3, assessed_by=officer)
    assert (
        "Secret Person"
        not in sign_in(client, outsider).get(reverse("directory:stakeholder_map")).content.decode()
    )


def test_consent_is_recorded_with_its_source_and_a_future_date_is_refused(
    officer_client: Client, restricted: Person
) -> None:
    url = reverse("directory:person_consent", kwargs={"code": restricted.code})
    future = officer_client.post(
        url, {"purpose": "Bulletins", "lawful_basis": "consent", "given_on": "2999-01-01", "source": "Form"}
    )
    assert "The date must be today or in the past" in future.content.decode()
    assert not restricted.consents.exists()
    officer_client.post(
        url,
        {
            "purpose": "Bulletins",
            "lawful_basis": "consent",
            "given_on": "2026-03-01",
            "source": "Forum sign-up",
        },
    )
    consent = restricted.consents.get()
    assert (consent.lawful_basis, consent.source, str(consent.given_on)) == (
        "consent",
        "Forum sign-up",
        "2026-03-01",
    )


def test_the_directory_exports_to_excel(officer_client: Client, restricted: Person) -> None:
    import io

    from openpyxl import load_workbook

    data = exported_bytes(officer_client, reverse("directory:person_list") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "first name", "last name")
    assert rows[1][2] == "Rees" and "megan@example.org" in rows[1]


def test_an_organisation_has_notes_an_assessment_and_a_timeline(
    officer_client: Client, officer: User
) -> None:
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(name="Bar Council")
    officer_client.post(
        reverse("directory:organisation_note", kwargs={"code": organisation.code}), {"text": "Met the chair"}
    )
    officer_client.post(
        reverse("directory:organisation_assess", kwargs={"code": organisation.code}),
        {"influence": "5", "interest": "3", "health": "good"},
    )
    body = officer_client.get(
        reverse("directory:organisation_detail", kwargs={"code": organisation.code})
    ).content.decode()
    assert "Met the chair" in body and "Influence 5 / 5, interest 3 / 5" in body


def test_a_relationship_owner_is_set_and_filterable(
    officer_client: Client, officer: User, restricted: Person
) -> None:
    url = reverse("directory:person_edit", kwargs={"code": restricted.code})
    officer_client.post(
        url,
        {
            "first_name": "Megan",
            "last_name": "Rees",
            "preferred_language": "en",
            "owner": officer.pk,
            "emails": "megan@example.org",
        },
    )
    restricted.refresh_from_db()
    assert restricted.owner == officer
    listing = officer_client.get(reverse("directory:person_list"), {"owner": officer.pk}).content.decode()
    assert "Megan Rees" in listing
