"""Saved searches of the directory: the list's filters kept by name, whose people are found
afresh, with the access of whoever uses them, each time they are used."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from chorus.accounts.models import Team, User
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import Region, SavedSearch
from chorus.directory.reference import regions_ensure
from chorus.directory.saved_searches import (
    filters_from_query,
    saved_search_create,
    saved_search_people,
)
from tests.conftest import sign_in
from tests.core.export_helpers import asked, exported_bytes
from tests.factories import SavedSearchFactory, StakeholderGroupFactory, make_person

pytestmark = pytest.mark.django_db

NEW = reverse("directory:saved_search_create")


def _detail(saved: SavedSearch) -> str:
    return reverse("directory:saved_search_detail", kwargs={"code": saved.code})


def _submission(page: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _save(client: Client, query: str, name: str, sharing: str) -> tuple[str, dict[str, str]]:
    page = client.get(f"{NEW}?{query}").content.decode()
    return page, {"name": name, "sharing": sharing, "filters": query, "submission": _submission(page)}


def test_only_the_directory_filters_in_the_address_are_kept() -> None:
    query = QueryDict("q=+rees+&page=3&format=csv&made_up=1&region=&topic=")
    assert filters_from_query(query) == {"q": ["rees"]}


def test_a_filter_that_does_not_exist_cannot_be_saved(officer: User) -> None:
    with pytest.raises(ValidationError):
        saved_search_create(actor=officer, name="Nowhere", filters={"region": ["999999"]}, team=None)
    with pytest.raises(ValidationError):
        saved_search_create(actor=officer, name="Nothing", filters={}, team=None)
    with pytest.raises(ValidationError):
        saved_search_create(actor=officer, name="Made up", filters={"shoe_size": ["9"]}, team=None)
    assert not SavedSearch.objects.exists()


def test_an_officer_saves_a_search_that_stays_current(
    officer_client: Client, officer: User, team: Team
) -> None:
    regions_ensure()
    wales = Region.objects.get(ons_code="W92000004")
    make_person(first_name="Megan", last_name="Rees", region=wales, team=team)
    make_person(first_name="Tom", last_name="Rees")  # in England, or nowhere: not found
    listing = officer_client.get(reverse("directory:person_list") + f"?q=rees&region={wales.pk}&page=1")
    assert "Save this search" in listing.content.decode()
    page, data = _save(officer_client, f"q=rees&region={wales.pk}", "Rees family in Wales", str(team.pk))
    assert "Name, email or organisation: “rees”" in page and "Region: Wales" in page
    response = officer_client.post(NEW, data)
    saved = SavedSearch.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(saved)
    assert saved.filters == {"q": ["rees"], "region": [str(wales.pk)]}
    assert saved.owner == officer and saved.team == team
    detail = officer_client.get(_detail(saved)).content.decode()
    assert "It finds 1 person now" in detail and "Only people in Family justice" in detail
    # The filters in words, never as the address or the stored value has them.
    assert "Region: Wales" in detail and "{'q'" not in detail and "['rees']" not in detail
    # Someone added afterwards who matches is found the next time it is used.
    make_person(first_name="Rhys", last_name="Rees", region=wales)
    assert "It finds 2 people now" in officer_client.get(_detail(saved)).content.decode()
    listing = officer_client.get(reverse("directory:saved_search_list")).content.decode()
    assert "Rees family in Wales" in listing and escape(officer.full_name) in listing  # "O'Brien" too
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(saved.code)).exists()


def test_the_form_sent_twice_saves_one_search(officer_client: Client, team: Team) -> None:
    _page, data = _save(officer_client, "q=rees", "Reeses", str(team.pk))
    first = officer_client.post(NEW, data)
    second = officer_client.post(NEW, data)
    assert SavedSearch.objects.count() == 1
    assert first["Location"] == second["Location"] == _detail(SavedSearch.objects.get())


def test_two_forms_sent_at_once_lead_to_the_one_search_the_first_saved(
    officer_client: Client, team: Team
) -> None:
    # Each request read the session before the other remembered its form: the second finds
    # the name taken, by the same officer, for the same filters, and goes to that search.
    _page, first = _save(officer_client, "q=rees", "Reeses", str(team.pk))
    _page, second = _save(officer_client, "q=rees", "Reeses", str(team.pk))
    assert first["submission"] != second["submission"]
    officer_client.post(NEW, first)
    response = officer_client.post(NEW, second)
    assert SavedSearch.objects.count() == 1
    assert response.status_code == 302 and response["Location"] == _detail(SavedSearch.objects.get())


def test_a_name_the_officer_has_used_already_is_refused_with_a_way_to_fix_it(
    officer_client: Client, officer: User
) -> None:
    SavedSearchFactory(name="Advice agencies", owner=officer, filters={"q": ["advice"]})
    _page, data = _save(officer_client, "q=rees", "advice AGENCIES", "everyone")
    page = officer_client.post(NEW, data).content.decode()
    assert "govuk-error-summary" in page
    assert "You already have a saved search with this name. Choose another name" in page
    _page, data = _save(officer_client, "q=rees", "", "everyone")
    assert "Enter a name for the search" in officer_client.post(NEW, data).content.decode()
    assert SavedSearch.objects.count() == 1


def test_with_no_filters_there_is_nothing_to_save(officer_client: Client) -> None:
    page = officer_client.get(NEW + "?page=2").content.decode()
    assert "There are no filters to save" in page and 'name="name"' not in page
    assert "Save this search" not in officer_client.get(reverse("directory:person_list")).content.decode()


def test_a_viewer_may_use_saved_searches_but_not_make_or_change_them(
    client: Client, viewer: User, team: Team
) -> None:
    saved = SavedSearchFactory(name="Advice", team=team)
    sign_in(client, viewer)
    assert client.get(NEW + "?q=rees").status_code == 403
    assert "Save this search" not in client.get(reverse("directory:person_list") + "?q=rees").content.decode()
    page = client.get(_detail(saved)).content.decode()
    assert "Open in the directory" in page and "Delete this saved search" not in page
    for name in ("directory:saved_search_edit", "directory:saved_search_delete"):
        assert client.get(reverse(name, kwargs={"code": saved.code})).status_code == 403


def test_another_teams_officer_cannot_see_a_teams_saved_search(
    client: Client, outsider: User, team: Team
) -> None:
    saved = SavedSearchFactory(name="Family panel invitees", team=team)
    sign_in(client, outsider)
    assert "Family panel invitees" not in client.get(reverse("directory:saved_search_list")).content.decode()
    for name in (
        "directory:saved_search_detail",
        "directory:saved_search_edit",
        "directory:saved_search_delete",
    ):
        assert client.get(reverse(name, kwargs={"code": saved.code})).status_code == 404
    export = reverse("directory:saved_search_export", kwargs={"code": saved.code, "file_format": "csv"})
    assert client.get(export).status_code == 404
    assert (
        client.post(reverse("directory:saved_search_delete", kwargs={"code": saved.code})).status_code == 404
    )
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_whoever_uses_a_search_gets_only_the_people_they_may_see(
    officer: User, outsider: User, team: Team, other_team: Team
) -> None:
    ours = make_person(first_name="Megan", last_name="Rees", team=team)
    theirs = make_person(first_name="Bryn", last_name="Rees", team=other_team)
    everyones = make_person(first_name="Cai", last_name="Rees")
    saved = SavedSearchFactory(filters={"q": ["rees"]}, owner=officer)  # shared with everyone
    assert set(saved_search_people(officer, saved)) == {ours, everyones}
    assert set(saved_search_people(outsider, saved)) == {theirs, everyones}


def test_exporting_a_saved_search_is_audited_as_the_directory_export_is(
    client: Client, viewer: User, team: Team
) -> None:
    make_person(first_name="Megan", last_name="Rees", emails=["megan@example.org"], team=team)
    make_person(first_name="Tom", last_name="Hill", team=team)
    saved = SavedSearchFactory(name="Reeses", filters={"q": ["rees"]}, team=team)
    sign_in(client, viewer)
    url = reverse("directory:saved_search_export", kwargs={"code": saved.code, "file_format": "csv"})
    text = exported_bytes(client, url).decode()
    assert "Rees" in text and "Hill" not in text and "megan@example.org" not in text  # a viewer's export
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, actor=viewer, object_type="directory.person")
    assert entry.object_repr == "Directory CSV: saved search Reeses"
    assert entry.detail == {"q": "rees", "saved search": str(saved.code)}
    assert client.get(url.replace("people.csv", "people.pdf")).status_code == 404


def test_a_search_whose_group_was_deleted_finds_no_one_and_says_so(
    officer_client: Client, officer: User
) -> None:
    group = StakeholderGroupFactory(name="Court users")
    make_person(last_name="Rees", groups=[group])
    make_person(last_name="Hill")
    saved = SavedSearchFactory(filters={"group": [str(group.pk)]}, owner=officer)
    assert saved_search_people(officer, saved).count() == 1
    group.memberships.all().delete()
    group.delete()
    assert not saved_search_people(officer, saved).exists()  # no one, never everyone
    page = officer_client.get(_detail(saved)).content.decode()
    assert "A filter this search uses no longer exists" in page and "Download as CSV" not in page
    export = reverse("directory:saved_search_export", kwargs={"code": saved.code, "file_format": "csv"})
    response = asked(officer_client, export)
    assert response.status_code == 302 and response["Location"] == _detail(saved)


def test_an_officer_renames_shares_and_deletes_a_search(
    officer_client: Client, officer: User, team: Team
) -> None:
    saved = SavedSearchFactory(name="Old name", owner=officer, team=team)
    edit = reverse("directory:saved_search_edit", kwargs={"code": saved.code})
    page = officer_client.get(edit).content.decode()
    assert 'value="Old name"' in page
    response = officer_client.post(edit, {"name": "New name", "sharing": "everyone"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "New name" and saved.team is None
    change = AuditEntry.objects.get(action=AuditAction.CHANGE, object_id=str(saved.code))
    assert change.detail == {"name": ["Old name", "New name"], "team": ["Family justice", ""]}
    delete = reverse("directory:saved_search_delete", kwargs={"code": saved.code})
    assert "Are you sure" in officer_client.get(delete).content.decode()
    followed = officer_client.post(delete, follow=True).content.decode()
    assert "Saved search “New name” deleted." in followed
    assert not SavedSearch.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(saved.code)).exists()


def test_the_filters_read_in_welsh_on_welsh_pages(officer_client: Client, officer: User) -> None:
    regions_ensure()
    wales = Region.objects.get(ons_code="W92000004")
    saved = SavedSearchFactory(filters={"region": [str(wales.pk)]}, owner=officer)
    page = officer_client.get("/cy" + _detail(saved)).content.decode()
    assert "Cymru" in page


def test_opening_a_search_in_the_directory_names_it_and_the_view_is_audited(
    client: Client, viewer: User, team: Team
) -> None:
    make_person(first_name="Megan", last_name="Rees", team=team)
    make_person(first_name="Tom", last_name="Hill", team=team)
    saved = SavedSearchFactory(name="Reeses", filters={"q": ["rees"]}, team=team)
    sign_in(client, viewer)
    detail = client.get(_detail(saved)).content.decode()
    opened = re.search(r'href="([^"]*/staff/directory/\?[^"]+)"', detail).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    page = client.get(opened).content.decode()
    assert "These are the people the saved search “Reeses” finds now." in page
    assert "Megan Rees" in page and "Tom Hill" not in page
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, object_repr="Directory search").latest("id")
    assert (
        entry.actor == viewer
        and entry.detail["saved search"] == str(saved.code)
        and entry.detail["shown"] == 1
    )
    # Changed filters are no longer the saved search, and the list does not say they are.
    assert "finds now" not in client.get(opened.replace("q=rees", "q=hill")).content.decode()


def test_a_filter_given_more_than_once_keeps_only_the_value_the_directory_uses(officer: User) -> None:
    """The directory reads the last value of each filter; a search keeps no other, so nothing
    unchecked (a value past the field's length, thousands of them) is stored or audited."""
    long = "x" * 5000
    assert filters_from_query(QueryDict(f"q={long}&q=rees&region=1&region=")) == {"q": ["rees"]}
    with pytest.raises(ValidationError):
        saved_search_create(actor=officer, name="Padded", filters={"q": [long, "rees"]}, team=None)
    assert not SavedSearch.objects.exists()
