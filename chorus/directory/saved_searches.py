"""Saved searches of the directory: a name for a set of filters, whose people are found
afresh, with the access of whoever uses it, every time it is used.

A saved search keeps the directory filter form's fields as the address carries them, and
nothing else, so the directory list, its export, a bulletin's audience and an activity's
invitations all find people through the same ``people_filtered`` the list itself uses.
A search whose filter no longer exists (a group deleted, an owner who left) finds no one
rather than everyone: it says so, and asks to be saved again.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from chorus.core.access import visible_to
from chorus.core.audit import audit_record
from chorus.core.dates import long_date
from chorus.core.forms import name_in
from chorus.core.i18n import current_welsh_or_english
from chorus.core.models import AuditAction
from chorus.directory.forms import DirectoryFilterForm
from chorus.directory.models import Person, SavedSearch
from chorus.directory.selectors import people_filtered

if TYPE_CHECKING:
    from chorus.accounts.models import Team, User

Filters = dict[str, list[str]]


def filters_from_query(query: QueryDict, user: User | None = None) -> Filters:
    """The directory filters in ``query`` (an address's query string), as a saved search
    keeps them: every field of the filter form that has a value, and nothing else (pages,
    formats and anything made up are left out); with ``user``, only the added fields their
    role sees."""
    form = DirectoryFilterForm(user=user)
    kept: Filters = {}
    for name, field in form.fields.items():
        given = query.getlist(name)
        # A field of one value reads the last one given, as the directory's form does: the
        # others, never checked, are not kept.
        if not isinstance(field, forms.MultipleChoiceField):
            given = given[-1:]
        values = [value.strip() for value in given if value.strip()]
        if values:
            kept[name] = values
    return kept


def _as_query(filters: Filters) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in filters.items():
        data.setlist(name, list(values))
    return data


def filter_form(filters: Filters, user: User | None = None) -> DirectoryFilterForm:
    """The directory filter form, bound to ``filters`` (with ``user``, only the added fields
    their role sees)."""
    return DirectoryFilterForm(data=_as_query(filters), user=user)


def filters_hidden_from(user: User, filters: Filters) -> bool:
    """Whether ``filters`` use a filter ``user`` does not have: an added field their role
    does not see, or one no longer in use."""
    return bool(set(filters) - set(DirectoryFilterForm(user=user).fields))


def filters_valid(filters: Filters) -> bool:
    return filter_form(filters).is_valid()


def query_string(filters: Filters) -> str:
    """``filters`` as the directory list's address carries them."""
    return urlencode(dict(filters), doseq=True)


def saved_search_people(user: User, saved: SavedSearch) -> QuerySet[Person]:
    """The people ``saved`` finds now among those ``user`` may see; no one if a filter it
    uses no longer exists, or whose role may not filter by it."""
    form = filter_form(saved.filters, user)
    if not form.is_valid() or filters_hidden_from(user, saved.filters):
        return Person.objects.none()
    return people_filtered(user, form.cleaned_data)


def _shown(field: forms.Field, value: Any, language: str) -> str:
    """A filter's value in words, as the page's reader would name it."""
    if isinstance(value, (list, tuple, QuerySet)):
        return ", ".join(_shown(field, item, language) for item in value)
    if isinstance(field, forms.ModelChoiceField):
        if hasattr(value, "name_en"):
            return name_in(value, language)
        return str(getattr(value, "full_name", "") or getattr(value, "name", "") or value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return long_date(value)
    return f"“{value}”" if isinstance(field, forms.CharField) else str(value)


def filters_in_words(filters: Filters, user: User | None = None) -> list[tuple[str, str]] | None:
    """Each filter as (what it is, what it chose), in the page's language, in the order the
    directory's filter shows them; None if a filter it uses no longer exists. With ``user``,
    a filter by an added field their role may not see is neither named nor shown: one line
    says there is such a filter (and so, for them, the search finds no one), with no value."""
    form = filter_form(filters)
    if not form.is_valid():
        return None
    language = current_welsh_or_english()
    theirs = set(DirectoryFilterForm(user=user).fields) if user is not None else set(form.fields)
    words = [
        (str(field.label), _shown(field, form.cleaned_data[name], language))
        for name, field in form.fields.items()
        if name in theirs and form.cleaned_data.get(name) not in (None, "", [], ())
    ]
    if any(
        name not in theirs and form.cleaned_data.get(name) not in (None, "", [], ()) for name in form.fields
    ):
        words.append((_("A filter by a field you cannot see, so the search finds no one for you"), ""))
    return words


def saved_searches_for(user: User) -> QuerySet[SavedSearch]:
    """The saved searches ``user`` may use: everyone's, and their teams' (every one for an
    administrator)."""
    return visible_to(user, SavedSearch.objects.select_related("owner", "team")).order_by("name", "pk")


# Writes


def _name_taken(error: ValidationError) -> ValidationError:
    """The duplicate-name error, said about the name, whichever check found it."""
    messages = error.message_dict.get(NON_FIELD_ERRORS, []) if hasattr(error, "error_dict") else []
    if messages:
        return ValidationError({"name": messages})
    return error


def _taken() -> ValidationError:
    return ValidationError(
        {"name": [_("You already have a saved search with this name. Choose another name")]}
    )


def saved_search_create(
    *,
    actor: User,
    name: str,
    filters: Filters,
    team: Team | None,
    request: HttpRequest | None = None,
) -> SavedSearch:
    """Save ``filters`` (the directory filter form's fields) as ``name``, for ``team`` or
    for everyone. Raises ValidationError for an unknown filter or a name the actor has used."""
    kept = {
        key: [str(v) for v in values]
        for key, values in filters.items()
        if key in DirectoryFilterForm(user=actor).fields
    }
    kept = filters_from_query(_as_query(kept), actor)
    if not kept or kept != filters or not filters_valid(kept):
        raise ValidationError(_("Apply at least one filter that exists before saving the search"))
    saved = SavedSearch(name=name.strip(), filters=kept, owner=actor, team=team)
    try:
        saved.full_clean()
    except ValidationError as error:
        raise _name_taken(error) from None
    try:
        with transaction.atomic():
            saved.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=saved,
                request=request,
                detail={"filters": query_string(kept), "team": team.name if team else ""},
            )
    except IntegrityError:
        # The same name saved at the same moment (a form sent twice at once).
        raise _taken() from None
    return saved


def saved_search_change(
    *, saved: SavedSearch, actor: User, name: str, team: Team | None, request: HttpRequest | None = None
) -> SavedSearch:
    """Rename ``saved`` or change who may use it; its filters stay as they are."""
    before = {"name": saved.name, "team": saved.team.name if saved.team else ""}
    saved.name = name.strip()
    saved.team = team
    try:
        saved.full_clean()
    except ValidationError as error:
        raise _name_taken(error) from None
    after = {"name": saved.name, "team": saved.team.name if saved.team else ""}
    try:
        with transaction.atomic():
            saved.save(update_fields=["name", "team", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=saved,
                request=request,
                detail={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            )
    except IntegrityError:
        raise _taken() from None
    return saved


def saved_search_delete(*, saved: SavedSearch, actor: User, request: HttpRequest | None = None) -> None:
    """Delete ``saved``; the people it found are untouched. Bulletins already sent that had
    it in their audience no longer do. Raises ValidationError, deleting nothing, where
    another app keeps it (a bulletin not yet sent reaches people through it)."""
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.DELETE,
                obj=saved,
                request=request,
                detail={"filters": query_string(saved.filters)},
            )
            saved.delete()
    except ProtectedError as error:
        raise ValidationError(str(error.args[0])) from None
