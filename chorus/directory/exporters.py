"""The directory's exports, written by ``chorus.core.exports`` tasks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.http import QueryDict
from django.utils import translation

from chorus.core.access import visible_to
from chorus.core.custom_fields import definitions, export_cells, export_header
from chorus.core.exports import Exporter, Params, Table, register_exporter
from chorus.directory.forms import DirectoryFilterForm, OrganisationFilterForm
from chorus.directory.models import Organisation, OrganisationKind, Person, SavedSearch
from chorus.directory.saved_searches import saved_search_people
from chorus.directory.selectors import organisations_filtered, people_filtered

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from chorus.accounts.models import User


def _people(user: User, params: Params) -> QuerySet[Person]:
    """The people the directory search in ``params["query"]`` finds for ``user`` now."""
    form = DirectoryFilterForm(data=QueryDict(params.get("query", "")), user=user)
    return people_filtered(user, form.cleaned_data if form.is_valid() else {})


def _may_export(user: User, params: Params) -> bool:
    return user.is_active  # every member of staff may search the directory; the search scopes it


def _rows(user: User, params: Params) -> Table:
    return _table(user, _people(user, params))


def _table(user: User, people: QuerySet[Person]) -> Table:
    """``people`` (what the user may see); contact details only if their role allows."""
    contacts = user.can_see_contact_details
    added = definitions("person", user)
    header = ["id", "first name", "last name", "organisation", "job title", "region"]
    if contacts:
        header += ["email", "phone", "postcode"]
    header += export_header(added)

    def rows() -> Iterator[list[Any]]:
        for person in people.iterator(chunk_size=2000):
            membership = next(iter(person.memberships.all()), None)
            row: list[Any] = [
                str(person.code),
                person.first_name,
                person.last_name,
                membership.organisation.name if membership else "",
                person.job_title,
                person.region.name_en if person.region else "",
            ]
            if contacts:
                primary = {c.kind: c.value for c in person.contacts.all()}
                row += [primary.get("email", ""), primary.get("phone", ""), person.postcode]
            row += export_cells(added, person.custom)
            yield row

    return header, rows()


def _count(user: User, params: Params) -> int | None:
    return _people(user, params).count()


PEOPLE = register_exporter(
    Exporter(name="directory.people", rows=_rows, may_export=_may_export, count=_count, sheet="People")
)


def _saved_search(user: User, params: Params) -> SavedSearch | None:
    """The saved search ``params["saved_search"]`` names, if ``user`` may still use it."""
    code = str(params.get("saved_search") or "")
    return visible_to(user, SavedSearch.objects.all()).filter(code=code).first() if code else None


def _saved_people(user: User, params: Params) -> QuerySet[Person]:
    """The people the saved search finds now, for ``user`` (no one if it has gone)."""
    saved = _saved_search(user, params)
    return saved_search_people(user, saved) if saved is not None else Person.objects.none()


SAVED_SEARCH = register_exporter(
    Exporter(
        name="directory.saved_search",
        rows=lambda user, params: _table(user, _saved_people(user, params)),
        may_export=lambda user, params: _saved_search(user, params) is not None,
        count=lambda user, params: _saved_people(user, params).count(),
        sheet="People",
    )
)


def _organisations(user: User, params: Params) -> QuerySet[Organisation]:
    """The organisations the list's search in ``params["query"]`` finds for ``user`` now."""
    data = QueryDict(params.get("query", ""))
    form = OrganisationFilterForm(data=data, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    return organisations_filtered(user, data.get("q", "").strip(), filters)


def _organisation_rows(user: User, params: Params) -> Table:
    """The organisations (those the user may see), with the added fields their role sees."""
    added = definitions("organisation", user)
    header = ["id", "name", "other names", "type", "sector", "website", "regions", "part of", "people"]
    header += export_header(added)
    organisations = _organisations(user, params).select_related("parent").prefetch_related("regions")
    with translation.override("en"):  # in English, as the header and the regions are
        kinds = {value: str(name) for value, name in OrganisationKind.choices}

    def rows() -> Iterator[list[Any]]:
        for organisation in organisations.iterator(chunk_size=2000):
            yield [
                str(organisation.code),
                organisation.name,
                "; ".join(organisation.other_name_list()),
                kinds.get(organisation.kind, organisation.kind),
                organisation.sector,
                organisation.website,
                "; ".join(r.name_en for r in organisation.regions.all()),
                organisation.parent.name if organisation.parent else "",
                organisation.people,  # type: ignore[attr-defined]
                *export_cells(added, organisation.custom),
            ]

    return header, rows()


ORGANISATIONS = register_exporter(
    Exporter(
        name="directory.organisations",
        rows=_organisation_rows,
        may_export=_may_export,
        count=lambda user, params: _organisations(user, params).count(),
        sheet="Organisations",
    )
)
