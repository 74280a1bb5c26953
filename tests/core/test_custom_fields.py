"""Fields administrators add: the same rules and the same words on every page, file and API
response, and hidden from the roles that may not see them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Role, User
from chorus.core.admin import CustomFieldForm
from chorus.core.models import AuditEntry, CustomField
from chorus.directory.models import ImportJob, Person, SavedSearch
from chorus.directory.rights import person_erase, subject_access_contents
from chorus.directory.saved_searches import saved_search_people
from tests.conftest import sign_in
from tests.core.export_helpers import exported_bytes
from tests.factories import OrganisationFactory, SavedSearchFactory, make_person

pytestmark = pytest.mark.django_db

CHOICES = [
    {"value": "health", "label_en": "Health", "label_cy": "Iechyd"},
    {"value": "housing", "label_en": "Housing", "label_cy": "Tai"},
]


@pytest.fixture
def fields(db: None) -> dict[str, CustomField]:
    return {
        "stream": CustomField.objects.create(
            applies_to="person",
            key="stream",
            label_en="Funding stream",
            label_cy="Ffrwd ariannu",
            help_en="Which fund pays for their work",
            help_cy="Pa gronfa sy'n talu am eu gwaith",
            kind="choice",
            choices=CHOICES,
            order=1,
        ),
        "staff": CustomField.objects.create(
            applies_to="person", key="staff", label_en="Staff count", label_cy="Nifer y staff", kind="number"
        ),
        "joined": CustomField.objects.create(
            applies_to="person", key="joined", label_en="Joined", label_cy="Ymunodd", kind="date"
        ),
        "vetted": CustomField.objects.create(
            applies_to="person",
            key="vetted",
            label_en="Vetted",
            label_cy="Wedi'i fetio",
            kind="yes_no",
            roles=[Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER],
        ),
    }


def _form_data(person: Person, **changes: object) -> dict[str, object]:
    return {"last_name": person.last_name, "preferred_language": "en", **changes}


def test_the_person_form_checks_added_fields_with_messages_that_say_how_to_fix_them(
    officer_client: Client, fields: dict[str, CustomField]
) -> None:
    fields["staff"].required = True
    fields["staff"].save()
    person = make_person(last_name="Rees")
    url = reverse("directory:person_edit", kwargs={"code": person.code})
    page = officer_client.post(
        url,
        _form_data(
            person,
            custom_staff="lots",
            custom_joined_day="31",
            custom_joined_month="2",
            custom_joined_year="2026",
        ),
    ).content.decode()
    assert "Staff count must be a number, like 12 or 3.5" in page
    assert "Joined must be a real date" in page
    page = officer_client.post(url, _form_data(person)).content.decode()
    assert "Enter Staff count" in page
    person.refresh_from_db()
    assert person.custom == {}


def test_values_are_saved_and_shown_in_words_on_the_record_page(
    officer_client: Client, fields: dict[str, CustomField]
) -> None:
    person = make_person(last_name="Rees")
    url = reverse("directory:person_edit", kwargs={"code": person.code})
    response = officer_client.post(
        url,
        _form_data(
            person,
            custom_stream="housing",
            custom_staff="12",
            custom_joined_day="5",
            custom_joined_month="12",
            custom_joined_year="2026",
            custom_vetted="yes",
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.custom == {"stream": "housing", "staff": 12, "joined": "2026-12-05", "vetted": True}
    page = officer_client.get(
        reverse("directory:person_detail", kwargs={"code": person.code})
    ).content.decode()
    for words in ("Funding stream", "Housing", "Staff count", "12", "5 December 2026", "Vetted", "Yes"):
        assert words in page
    assert "2026-12-05" not in page and "housing" not in page
    welsh = officer_client.get(
        "/cy" + reverse("directory:person_detail", kwargs={"code": person.code})
    ).content.decode()
    assert "Ffrwd ariannu" in welsh and "Tai" in welsh and "5 Rhagfyr 2026" in welsh


def test_a_role_that_may_not_see_a_field_sees_it_nowhere_and_its_edits_keep_it(
    client: Client, viewer: User, officer: User, fields: dict[str, CustomField]
) -> None:
    person = make_person(last_name="Rees", custom={"vetted": True, "staff": 3})
    sign_in(client, viewer)
    page = client.get(reverse("directory:person_detail", kwargs={"code": person.code})).content.decode()
    assert "Staff count" in page and "Vetted" not in page
    rows = list(
        csv.reader(
            io.StringIO(exported_bytes(client, reverse("directory:person_list") + "?format=csv").decode())
        )
    )
    assert "Staff count" in rows[0] and "Vetted" not in rows[0]
    # An editor whose role does not see a field leaves its value as it was.
    fields["vetted"].roles = [Role.ADMINISTRATOR]
    fields["vetted"].save()
    sign_in(client, officer)
    url = reverse("directory:person_edit", kwargs={"code": person.code})
    assert "custom_vetted" not in client.get(url).content.decode()
    client.post(url, _form_data(person, custom_staff="4"))
    person.refresh_from_db()
    assert person.custom == {"vetted": True, "staff": 4}


def test_the_directory_filters_by_added_fields_and_saved_searches_keep_them(
    officer_client: Client, officer: User, viewer: User, fields: dict[str, CustomField]
) -> None:
    housing = make_person(last_name="Adebayo", custom={"stream": "housing", "vetted": True, "staff": 12})
    make_person(last_name="Kowalski", custom={"stream": "health", "vetted": False, "staff": 3})
    make_person(last_name="Nakamura")
    listing = reverse("directory:person_list")
    page = officer_client.get(listing + "?custom_stream=housing").content.decode()
    assert "Adebayo" in page and "Kowalski" not in page and "Nakamura" not in page
    assert "Adebayo" in officer_client.get(listing + "?custom_vetted=yes").content.decode()
    assert "Kowalski" not in officer_client.get(listing + "?custom_staff=12").content.decode()
    assert "Save this search" in page
    saved = SavedSearchFactory(filters={"custom_stream": ["housing"]}, owner=officer)
    assert list(saved_search_people(officer, saved)) == [housing]
    # A search by a field the user may not see finds no one, rather than telling them who has it.
    by_vetting = SavedSearchFactory(name="Vetted", filters={"custom_vetted": ["yes"]}, owner=officer)
    assert list(saved_search_people(officer, by_vetting)) == [housing]
    assert list(saved_search_people(viewer, by_vetting)) == []
    # Newly added people are found too: the search stays current.
    later = make_person(last_name="Later", custom={"stream": "housing"})
    assert set(saved_search_people(officer, saved)) == {housing, later}
    assert SavedSearch.objects.count() == 2


def test_several_choices_are_found_by_any_one_of_them(officer_client: Client) -> None:
    CustomField.objects.create(
        applies_to="person",
        key="areas",
        label_en="Areas",
        label_cy="Ardaloedd",
        kind="choices",
        choices=CHOICES,
    )
    make_person(last_name="Both", custom={"areas": ["health", "housing"]})
    make_person(last_name="Onlyhealth", custom={"areas": ["health"]})
    page = officer_client.get(reverse("directory:person_list") + "?custom_areas=housing").content.decode()
    assert "Both" in page and "Onlyhealth" not in page


def test_an_import_offers_added_fields_as_columns_and_checks_their_values(
    officer_client: Client, fields: dict[str, CustomField], django_capture_on_commit_callbacks
) -> None:
    content = "Name,Funding stream,Staff count\nAnn Jones,Housing,7\nBob Smith,Farming,many\n"
    officer_client.post(
        reverse("directory:import_upload"), {"file": SimpleUploadedFile("list.csv", content.encode())}
    )
    job = ImportJob.objects.get()
    assert job.mapping["custom_stream"] == "Funding stream" and job.mapping["custom_staff"] == "Staff count"
    response = officer_client.post(
        reverse("directory:import_map", kwargs={"code": job.code}), dict(job.mapping)
    )
    officer_client.get(response.url)
    job.refresh_from_db()
    problems = {p["line"]: " ".join(p["errors"]) for p in job.problems}
    assert "“Farming” is not one of the choices for Funding stream" in problems[3]
    assert "Staff count must be a number" in problems[3]
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("directory:import_check", kwargs={"code": job.code}),
            {"decision": "import", "on_match": "link", "source": "List", "lawful_basis": "consent"},
        )
    assert Person.objects.get(last_name="Jones").custom == {"stream": "housing", "staff": 7}


def test_the_subject_access_file_has_the_values_and_erasure_removes_them(
    admin: User, fields: dict[str, CustomField]
) -> None:
    person = make_person(last_name="Rees", custom={"stream": "housing", "vetted": True})
    record = json.loads(subject_access_contents(person)["person.json"])
    assert record["custom"] == {"Funding stream": "Housing", "Vetted": "yes"}
    person_erase(actor=admin, person=person)
    person.refresh_from_db()
    assert person.custom == {}


def test_a_field_with_values_keeps_its_kind(fields: dict[str, CustomField]) -> None:
    make_person(last_name="Rees", custom={"staff": 3})
    field = fields["staff"]
    data = {
        "applies_to": "person",
        "key": "staff",
        "label_en": "Staff count",
        "label_cy": "Nifer y staff",
        "kind": "text",
        "order": 0,
        "active": "on",
    }
    form = CustomFieldForm(data=data, instance=field)
    assert not form.is_valid()
    assert "cannot change" in str(form.errors)
    form = CustomFieldForm(data={**data, "kind": "number", "label_en": "Staff"}, instance=field)
    assert form.is_valid(), form.errors
    unused = CustomFieldForm(data={**data, "key": "new", "kind": "choice", "choices_text": "a | A | A"})
    assert unused.is_valid(), unused.errors
    assert unused.save().choices == [{"value": "a", "label_en": "A", "label_cy": "A"}]
    bad = CustomFieldForm(data={**data, "key": "other", "kind": "choice", "choices_text": "Not A Slug | A"})
    assert not bad.is_valid()


def test_administrators_add_fields_in_the_audited_admin_site(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:core_customfield_add"),
        {
            "applies_to": "organisation",
            "key": "charity_number",
            "label_en": "Charity number",
            "label_cy": "Rhif elusen",
            "kind": "text",
            "order": "0",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(object_type="core.customfield", action="create").exists()
    organisation = OrganisationFactory(name="Shelter Cymru")
    page = admin_client.get(
        reverse("directory:organisation_edit", kwargs={"code": organisation.code})
    ).content.decode()
    assert "Charity number (optional)" in page


def test_an_organisation_import_fills_added_fields_without_overwriting_them(
    officer_client: Client, django_capture_on_commit_callbacks
) -> None:
    CustomField.objects.create(
        applies_to="organisation",
        key="charity",
        label_en="Charity number",
        label_cy="Rhif elusen",
        kind="text",
    )
    CustomField.objects.create(
        applies_to="organisation", key="funded", label_en="Funded", label_cy="Wedi'i ariannu", kind="yes_no"
    )
    kept = OrganisationFactory(name="Shelter Cymru", custom={"charity": "515902"})
    content = (
        "Organisation,Charity number,Funded\n"
        "Shelter Cymru,999,yes\nNew Advice,1234,maybe\nTenants Wales,42,no\n"
    )
    officer_client.post(
        reverse("directory:import_upload"),
        {"kind": "organisations", "file": SimpleUploadedFile("orgs.csv", content.encode())},
    )
    job = ImportJob.objects.get()
    assert job.mapping["custom_charity"] == "Charity number" and job.mapping["custom_funded"] == "Funded"
    response = officer_client.post(
        reverse("directory:import_map", kwargs={"code": job.code}), dict(job.mapping)
    )
    officer_client.get(response.url)
    job.refresh_from_db()
    assert {p["line"]: " ".join(p["errors"]) for p in job.problems} == {3: "Funded must be yes or no"}
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("directory:import_check", kwargs={"code": job.code}),
            {"decision": "import", "on_match": "link", "source": "List", "lawful_basis": "consent"},
        )
    kept.refresh_from_db()
    assert kept.custom == {"charity": "515902", "funded": True}
    from chorus.directory.models import Organisation

    assert Organisation.objects.get(name="Tenants Wales").custom == {"charity": "42", "funded": False}


def test_administrators_add_and_change_fields_on_a_staff_page(admin_client: Client, admin: User) -> None:
    posted = {
        "applies_to": "person",
        "key": "stream",
        "label_en": "Funding stream",
        "label_cy": "Ffrwd ariannu",
        "kind": "choice",
        "choices_text": "health | Health | Iechyd\nhousing | Housing | Tai",
        "order": "1",
        "active": "on",
    }
    page = admin_client.post(
        reverse("core:custom_field_create"), {**posted, "choices_text": ""}
    ).content.decode()
    assert "Give at least one choice." in page
    response = admin_client.post(reverse("core:custom_field_create"), posted)
    assert response.status_code == 302
    field = CustomField.objects.get()
    assert field.choices[1] == {"value": "housing", "label_en": "Housing", "label_cy": "Tai"}
    assert AuditEntry.objects.filter(object_type="core.customfield", action="create", actor=admin).exists()
    page = admin_client.post(reverse("core:custom_field_create"), posted).content.decode()
    assert "There is already a field with this key" in page
    listing = admin_client.get(reverse("core:custom_field_list")).content.decode()
    assert "Funding stream" in listing and "One choice" in listing
    make_person(last_name="Rees", custom={"stream": "health"})
    edit = reverse("core:custom_field_edit", kwargs={"code": field.code})
    assert "cannot change" in admin_client.get(edit).content.decode()
    page = admin_client.post(edit, {**posted, "kind": "text", "choices_text": ""}).content.decode()
    assert "cannot change" in page
    assert admin_client.post(edit, {**posted, "label_en": "Fund"}).status_code == 302
    field.refresh_from_db()
    assert field.label_en == "Fund" and field.kind == "choice"


def test_only_administrators_manage_fields(officer_client: Client) -> None:
    assert officer_client.get(reverse("core:custom_field_list")).status_code == 403


def test_a_merge_fills_the_survivors_missing_values_and_undo_puts_them_back(
    officer: User, fields: dict[str, CustomField]
) -> None:
    from chorus.directory.duplicates import person_merge, person_merge_undo

    survivor = make_person(first_name="Jon", last_name="Smith", custom={"stream": "health"})
    duplicate = make_person(
        first_name="Jonathan", last_name="Smith", custom={"stream": "housing", "staff": 4}
    )
    merge = person_merge(actor=officer, survivor=survivor, duplicate=duplicate)
    survivor.refresh_from_db()
    assert survivor.custom == {"stream": "health", "staff": 4}
    person_merge_undo(actor=officer, merge=merge)
    survivor.refresh_from_db()
    assert survivor.custom == {"stream": "health"}


@pytest.mark.parametrize("key", ["2nd_stream", "funding__stream", "funding-stream"])
def test_a_key_that_would_break_a_lookup_is_refused(key: str) -> None:
    form = CustomFieldForm(
        data={
            "applies_to": "person",
            "key": key,
            "label_en": "Stream",
            "label_cy": "Ffrwd",
            "kind": "text",
            "order": "0",
        }
    )
    assert not form.is_valid()
    assert "starting with a letter" in " ".join(form.errors["key"])


def test_the_organisations_list_filters_by_added_fields(officer_client: Client) -> None:
    CustomField.objects.create(
        applies_to="organisation", key="funded", label_en="Funded", label_cy="Wedi'i ariannu", kind="yes_no"
    )
    OrganisationFactory(name="Shelter Cymru", custom={"funded": True})
    OrganisationFactory(name="Tenants Wales", custom={"funded": False})
    page = officer_client.get(reverse("directory:organisation_list") + "?custom_funded=yes").content.decode()
    assert "Shelter Cymru" in page and "Tenants Wales" not in page


@pytest.mark.parametrize("key", ["isnull", "has_key", "gt", "contains", "in"])
def test_a_key_the_database_reads_as_a_lookup_is_refused(key: str) -> None:
    form = CustomFieldForm(
        data={
            "applies_to": "person",
            "key": key,
            "label_en": "X",
            "label_cy": "X",
            "kind": "text",
            "order": "0",
        }
    )
    assert not form.is_valid()
    assert "a word the database uses" in " ".join(form.errors["key"])


def _csv_rows(client: Client, url: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exported_bytes(client, url).decode())))


def test_the_organisations_export_has_the_added_fields_the_user_sees_as_the_people_export_does(
    client: Client, officer: User, viewer: User
) -> None:
    CustomField.objects.create(
        applies_to="organisation",
        key="charity",
        label_en="Charity number",
        label_cy="Rhif elusen",
        kind="text",
    )
    CustomField.objects.create(
        applies_to="organisation", key="since", label_en="Partner since", label_cy="Partner ers", kind="date"
    )
    CustomField.objects.create(
        applies_to="organisation",
        key="funded",
        label_en="Funded",
        label_cy="Wedi'i ariannu",
        kind="yes_no",
        roles=[Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER],
    )
    OrganisationFactory(
        name="Shelter Cymru", custom={"charity": "515902", "since": "2026-03-27", "funded": True}
    )
    OrganisationFactory(name="Tenants Wales")
    listing = reverse("directory:organisation_list")
    sign_in(client, officer)
    assert "format=csv" in client.get(listing).content.decode()
    rows = _csv_rows(client, listing + "?q=shelter&format=csv")
    header, row = rows[0], rows[1]
    assert len(rows) == 2  # the list's search applies
    assert header[-3:] == ["Charity number", "Partner since", "Funded"]
    # Values as the people export writes them.
    assert row[-3:] == ["515902", "2026-03-27", "yes"] and row[1] == "Shelter Cymru"
    assert AuditEntry.objects.filter(action="export", object_type="directory.organisation").exists()
    # A role that may not see a field gets neither its column nor its values.
    sign_in(client, viewer)
    rows = _csv_rows(client, listing + "?format=csv")
    assert "Funded" not in rows[0] and "Charity number" in rows[0]
    assert {r[1] for r in rows[1:]} == {"Shelter Cymru", "Tenants Wales"}
    assert all("yes" not in r for r in rows[1:])
    # A filter by a field the role may not see is not applied to its export either.
    assert len(_csv_rows(client, listing + "?custom_funded=no&format=csv")) == 3


def test_the_people_and_organisations_exports_write_added_fields_alike(
    officer_client: Client, fields: dict[str, CustomField]
) -> None:
    CustomField.objects.create(
        applies_to="organisation",
        key="stream",
        label_en="Funding stream",
        label_cy="Ffrwd ariannu",
        kind="choice",
        choices=CHOICES,
    )
    make_person(last_name="Rees", custom={"stream": "housing"})
    OrganisationFactory(name="Shelter Cymru", custom={"stream": "housing"})
    people = _csv_rows(officer_client, reverse("directory:person_list") + "?format=csv")
    organisations = _csv_rows(officer_client, reverse("directory:organisation_list") + "?format=csv")
    at = people[0].index("Funding stream")
    assert people[1][at] == "Housing"
    assert organisations[1][organisations[0].index("Funding stream")] == "Housing"


def _upload(client: Client, content: str, kind: str = "people") -> ImportJob:
    client.post(
        reverse("directory:import_upload"),
        {"kind": kind, "file": SimpleUploadedFile("list.csv", content.encode())},
    )
    return ImportJob.objects.latest("created_at")


def test_an_import_must_match_a_column_to_a_required_added_field(
    officer_client: Client, fields: dict[str, CustomField], django_capture_on_commit_callbacks
) -> None:
    fields["stream"].required = True
    fields["stream"].save()
    job = _upload(officer_client, "Name,Staff count\nAnn Jones,7\n")
    url = reverse("directory:import_map", kwargs={"code": job.code})
    page = officer_client.post(url, dict(job.mapping)).content.decode()
    message = (
        "Match a column to Funding stream: every record needs one. If the file has no such column, "
        "add one, or ask an administrator to make Funding stream optional."
    )
    assert message in page
    assert 'href="#map-custom_stream"' in page and "govuk-select--error" in page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED and not Person.objects.exists()
    # Matched, a row without a value is a row to fix, named by its line; the others import.
    job = _upload(officer_client, "Name,Funding stream\nAnn Jones,Housing\nBob Smith,\n")
    response = officer_client.post(
        reverse("directory:import_map", kwargs={"code": job.code}), dict(job.mapping)
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.problems == [{"line": 3, "errors": ["Funding stream is missing. Every record needs one."]}]
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("directory:import_check", kwargs={"code": job.code}),
            {"decision": "import", "on_match": "link", "source": "List", "lawful_basis": "consent"},
        )
    assert list(Person.objects.values_list("last_name", "custom")) == [("Jones", {"stream": "housing"})]
    welsh = officer_client.post("/cy" + url, {}).content.decode()
    assert "Ffrwd ariannu" in welsh  # the field by its Welsh label


def test_an_organisation_import_must_match_a_column_to_a_required_added_field(
    officer_client: Client,
) -> None:
    CustomField.objects.create(
        applies_to="organisation",
        key="charity",
        label_en="Charity number",
        label_cy="Rhif elusen",
        kind="text",
        required=True,
    )
    job = _upload(officer_client, "Organisation\nShelter Cymru\n", kind="organisations")
    page = officer_client.post(
        reverse("directory:import_map", kwargs={"code": job.code}), dict(job.mapping)
    ).content.decode()
    assert "Match a column to Charity number: every record needs one." in page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


def test_an_import_reads_only_the_added_fields_the_importer_sees(
    officer_client: Client, officer: User, fields: dict[str, CustomField], django_capture_on_commit_callbacks
) -> None:
    # Only administrators see the field, and it is required: an officer is not asked for it.
    fields["vetted"].roles = [Role.ADMINISTRATOR]
    fields["vetted"].required = True
    fields["vetted"].save()
    job = _upload(officer_client, "Name,Vetted,Staff count\nAnn Jones,yes,7\n")
    assert "custom_vetted" not in job.mapping and job.mapping["custom_staff"] == "Staff count"
    url = reverse("directory:import_map", kwargs={"code": job.code})
    page = officer_client.get(url).content.decode()
    assert "custom_vetted" not in page and "Staff count" in page
    # A column matched to it by hand is not kept.
    response = officer_client.post(url, {**job.mapping, "custom_vetted": "Vetted"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert "custom_vetted" not in job.mapping
    # Even a mapping that names it (kept from before the field was hidden) is not read by
    # the tasks that check and write the rows, which act as whoever started the import.
    job.mapping = {**job.mapping, "custom_vetted": "Vetted"}
    job.save()
    from chorus.directory.imports import import_check

    import_check(job)
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("directory:import_check", kwargs={"code": job.code}),
            {"decision": "import", "on_match": "link", "source": "List", "lawful_basis": "consent"},
        )
    assert Person.objects.get(last_name="Jones").custom == {"staff": 7}


def test_a_saved_searchs_description_hides_a_field_the_user_may_not_see(
    client: Client, officer: User, viewer: User, fields: dict[str, CustomField]
) -> None:
    saved = SavedSearchFactory(
        name="Checked housing",
        filters={"custom_vetted": ["yes"], "custom_stream": ["housing"]},
        owner=officer,
    )
    detail = reverse("directory:saved_search_detail", kwargs={"code": saved.code})
    sign_in(client, officer)
    page = client.get(detail).content.decode()
    assert "Vetted: Yes" in page and "Funding stream: Housing" in page
    sign_in(client, viewer)
    for url in (detail, reverse("directory:saved_search_list")):
        page = client.get(url).content.decode()
        assert "Vetted" not in page, url
        assert "Funding stream: Housing" in page
        assert "A filter by a field you cannot see, so the search finds no one for you" in page
        assert "custom_vetted" not in page, url  # nor in a link's address
    assert "Open in the directory" not in client.get(detail).content.decode()
    welsh = client.get("/cy" + detail).content.decode()
    assert "Wedi'i fetio" not in welsh and "Wedi&#x27;i fetio" not in welsh
    # The search keeps its filter: for the viewer it finds no one, rather than everyone.
    make_person(last_name="Rees", custom={"stream": "housing", "vetted": False})
    assert list(saved_search_people(viewer, saved)) == []
