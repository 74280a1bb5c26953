"""Staff pages for saved searches of the directory: save the list's filters by name, see
them with what they find now, export their people, rename, share and delete them."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
)
from chorus.core.submissions import new_submission, submission_made, submission_remember
from chorus.directory import saved_searches
from chorus.directory.forms import SavedSearchForm
from chorus.directory.models import SavedSearch
from chorus.directory.saved_searches import (
    filter_form,
    filters_from_query,
    filters_hidden_from,
    filters_in_words,
    query_string,
    saved_search_people,
    saved_searches_for,
)
from chorus.directory.views import EDITORS, people_export

# Where the session keeps which saved search each "Save" form made (``core.submissions``).
SAVED = "directory_saved_searches"


def _form_errors(form: SavedSearchForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@staff_required
def saved_search_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows = []
    for saved in saved_searches_for(user):
        words = filters_in_words(saved.filters, user)
        rows.append(
            {
                "search": saved,
                "words": words,
                "count": saved_search_people(user, saved).count() if words is not None else None,
            }
        )
    return render(
        request,
        "directory/saved_search_list.html",
        {"rows": rows, "may_save": user.role in EDITORS},
    )


@never_cache
@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """Save the directory list's filters (carried in the address, then in the form) by name."""
    user = staff_user(request)
    made = submission_made(request, SAVED)
    if made is not None:
        # The same form sent again (reloaded, or clicked twice): it is saved already.
        already = SavedSearch.objects.filter(code=made).first()
        if already is not None:
            return redirect("directory:saved_search_detail", code=already.code)
    carried = request.POST.get("filters", "") if request.method == "POST" else request.GET.urlencode()
    filters = filters_from_query(QueryDict(carried), user)
    words = filters_in_words(filters, user) if filters else None
    form = SavedSearchForm(data=request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and words and form.is_valid():
        try:
            saved = saved_searches.saved_search_create(
                actor=user,
                name=form.cleaned_data["name"],
                filters=filters,
                team=form.cleaned_data["sharing"],
                request=request,
            )
        except ValidationError as error:
            twin = SavedSearch.objects.filter(
                owner=user, name__iexact=form.cleaned_data["name"], filters=filters
            ).first()
            if twin is not None:
                # Sent twice at once: the other request saved this very search.
                return redirect("directory:saved_search_detail", code=twin.code)
            _form_errors(form, error)
        else:
            submission_remember(request, SAVED, saved.code)
            messages.success(request, _("Search saved as “%(name)s”.") % {"name": saved.name})
            return redirect("directory:saved_search_detail", code=saved.code)
    return render(
        request,
        "directory/saved_search_form.html",
        {
            "form": form,
            "search": None,
            "words": words,
            "filters": query_string(filters),
            "submission": new_submission(),
        },
    )


@staff_required
def saved_search_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    saved = get_for_view(request, saved_searches_for(user), code=code)
    words = filters_in_words(saved.filters, user)
    hidden = filters_hidden_from(user, saved.filters)
    return render(
        request,
        "directory/saved_search_detail.html",
        {
            "search": saved,
            "words": words,
            "count": saved_search_people(user, saved).count() if words is not None else None,
            # A filter the reader may not use is not put in the address (its value is theirs
            # to see only through the search), so the directory is not offered at all.
            "query": "" if hidden else query_string(saved.filters),
            "hidden": hidden,
            "may_change": can_change(user, saved),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def saved_search_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Rename a saved search, or change who may use it; its filters stay as they are."""
    user = staff_user(request)
    saved = get_for_change(request, saved_searches_for(user), code=code)
    initial = {
        "name": saved.name,
        "sharing": str(saved.team_id) if saved.team_id else SavedSearchForm.EVERYONE,
    }
    form = SavedSearchForm(
        data=request.POST if request.method == "POST" else None, user=user, team=saved.team, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved_searches.saved_search_change(
                saved=saved,
                actor=user,
                name=form.cleaned_data["name"],
                team=form.cleaned_data["sharing"],
                request=request,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("directory:saved_search_detail", code=saved.code)
    return render(
        request,
        "directory/saved_search_form.html",
        {"form": form, "search": saved, "words": filters_in_words(saved.filters, user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def saved_search_delete(request: HttpRequest, code: UUID) -> HttpResponse:
    """Ask, then delete. Only the search goes: the people it found stay in the directory."""
    user = staff_user(request)
    saved = get_for_change(request, saved_searches_for(user), code=code)
    if request.method == "POST":
        name = saved.name
        try:
            saved_searches.saved_search_delete(saved=saved, actor=user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("directory:saved_search_detail", code=saved.code)
        messages.success(request, _("Saved search “%(name)s” deleted.") % {"name": name})
        return redirect("directory:saved_search_list")
    return render(request, "directory/saved_search_delete.html", {"search": saved})


@staff_required
def saved_search_export(request: HttpRequest, code: UUID, file_format: str) -> HttpResponseBase:
    """The people the search finds now, for this user, as the directory's export writes them."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    user = staff_user(request)
    saved = get_for_view(request, saved_searches_for(user), code=code)
    form = filter_form(saved.filters, user)
    if not form.is_valid() or filters_hidden_from(user, saved.filters):
        messages.error(request, _("This search uses a filter that no longer exists, so it finds no one."))
        return redirect("directory:saved_search_detail", code=saved.code)
    return people_export(
        request,
        kind=file_format,
        filters=form.cleaned_data,
        exporter="directory.saved_search",
        params={"saved_search": str(saved.code)},
        label=f"Directory {file_format.upper()}: saved search {saved.name}",
        title=_("People the saved search “%(name)s” finds") % {"name": saved.name},
        download_name="directory-saved-search",
        detail={"saved search": str(saved.code)},
    )
