"""The directory's exports, written by ``chorus.core.exports`` tasks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.http import QueryDict

from chorus.core.exports import Exporter, Params, Table, register_exporter
from chorus.directory.forms import DirectoryFilterForm
from chorus.directory.models import Person
from chorus.directory.selectors import people_filtered

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from chorus.accounts.models import User


def _people(user: User, params: Params) -> QuerySet[Person]:
    """The people the directory search in ``params["query"]`` finds for ``user`` now."""
    form = DirectoryFilterForm(data=QueryDict(params.get("query", "")))
    return people_filtered(user, form.cleaned_data if form.is_valid() else {})


def _may_export(user: User, params: Params) -> bool:
    return user.is_active  # every member of staff may search the directory; the search scopes it


def _rows(user: User, params: Params) -> Table:
    """What the user may see; contact details only if their role allows."""
    contacts = user.can_see_contact_details
    header = ["id", "first name", "last name", "organisation", "job title", "region"]
    if contacts:
        header += ["email", "phone", "postcode"]

    def rows() -> Iterator[list[Any]]:
        for person in _people(user, params).iterator(chunk_size=2000):
            membership = next(iter(person.memberships.all()), None)
            row = [
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
            yield row

    return header, rows()


def _count(user: User, params: Params) -> int | None:
    return _people(user, params).count()


PEOPLE = register_exporter(
    Exporter(name="directory.people", rows=_rows, may_export=_may_export, count=_count, sheet="People")
)
