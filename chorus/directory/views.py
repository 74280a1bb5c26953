"""Staff pages of the directory: finding, reading and changing people and organisations."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.accounts.models import Role, User
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
)
from chorus.core.audit import audit_record
from chorus.core.custom_fields import rows as custom_rows
from chorus.core.dates import long_date
from chorus.core.exports import export_requested
from chorus.core.models import AuditAction
from chorus.core.tasks import enqueue_after_commit
from chorus.directory import services
from chorus.directory.adjustments import adjustments_audit_view, needs_of, record_of
from chorus.directory.duplicates import (
    agreement_reasons,
    candidate_mark_not_same,
    duplicates_find_task,
    likelihood,
    merge_field_values,
    person_merge,
    person_merge_undo,
)
from chorus.directory.forms import (
    AssessmentForm,
    ConsentForm,
    DirectoryFilterForm,
    GroupMembershipForm,
    MergeFieldsForm,
    MergeForm,
    NoteForm,
    OrganisationFilterForm,
    OrganisationForm,
    PersonForm,
)
from chorus.directory.models import (
    MergeRecord,
    Organisation,
    Person,
    SavedSearch,
    StakeholderGroup,
    SubjectAccessRequest,
)
from chorus.directory.panels import current_memberships
from chorus.directory.reference import regions_ensure
from chorus.directory.saved_searches import filters_from_query, query_string, saved_searches_for
from chorus.directory.selectors import (
    merges_for,
    organisations_filtered,
    pending_candidates,
    people_filtered,
    people_for,
    record_timeline,
)
from chorus.directory.services import PersonData

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)


def _audit_people_shown(request: HttpRequest, listing: str, shown: int) -> None:
    """A page that names people is a view of their personal data: record who saw the list."""
    if shown:
        audit_record(
            actor=staff_user(request),
            action=AuditAction.VIEW,
            request=request,
            object_type="directory.person",
            object_repr=listing,
            detail={"shown": shown},
        )


@staff_required
def person_list(request: HttpRequest) -> HttpResponseBase:
    regions_ensure()
    user = staff_user(request)
    form = DirectoryFilterForm(data=request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    people = people_filtered(user, filters)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _people_export(request, filters, request.GET["format"])
    page = Paginator(people, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    from_search = _saved_search_opened(request, user) if form.is_valid() else None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        request=request,
        object_type="directory.person",
        object_repr="Directory search",
        detail={
            "q": filters.get("q", ""),
            "page": page.number,
            "shown": len(page.object_list),
            **({"saved search": str(from_search.code)} if from_search else {}),
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    # Filters that found something worth keeping: offered to editors as a saved search.
    saved = filters_from_query(request.GET, user) if form.is_valid() and user.role in EDITORS else {}
    return render(
        request,
        "directory/person_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "save_query": query_string(saved) if saved and from_search is None else "",
            "from_search": from_search,
            "show_contacts": user.can_see_contact_details,
        },
    )


def _saved_search_opened(request: HttpRequest, user: User) -> SavedSearch | None:
    """The saved search the list was opened from (``?saved=``), while the list still shows
    exactly its filters and the user may use it."""
    try:
        code = UUID(request.GET.get("saved", ""))
    except ValueError:
        return None
    saved = saved_searches_for(user).filter(code=code).first()
    return saved if saved is not None and saved.filters == filters_from_query(request.GET, user) else None


def _people_export(request: HttpRequest, filters: dict[str, object], kind: str) -> HttpResponseBase:
    """Ask for what the user may see as CSV or XLSX, written by a task (``exporters.py``)."""
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    return people_export(
        request,
        kind=kind,
        filters=filters,
        exporter="directory.people",
        params={"query": query.urlencode()},
        label=f"Directory {kind.upper()}",
        title=_("People in the directory"),
        download_name="directory",
    )


def people_export(
    request: HttpRequest,
    *,
    kind: str,
    filters: dict[str, object],
    exporter: str,
    params: dict[str, str],
    label: str,
    title: str,
    download_name: str,
    detail: dict[str, str] | None = None,
) -> HttpResponseBase:
    """Audit an export of people from the directory (the list's, or a saved search's) and
    start the task that writes it; the user has been checked already."""
    return export_requested(
        request,
        object_type="directory.person",
        label=label,
        filters=filters,
        detail=detail,
        exporter=exporter,
        params=params,
        file_format=kind,
        title=title,
        download_name=download_name,
    )


@staff_required
def person_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    person = get_for_view(request, Person.objects.filter(erased_at__isnull=True), code=code)
    if person.merged_into_id:
        messages.info(request, _("This record was merged into the one shown here."))
        return redirect("directory:person_detail", code=person.merged_into.code)  # type: ignore[union-attr]
    adjustments = record_of(person) if user.can_see_contact_details else None
    if adjustments is not None:
        adjustments_audit_view(person=person, actor=user, request=request)
    return render(
        request,
        "directory/person_detail.html",
        {
            "person": person,
            "custom_rows": custom_rows("person", user, person.custom),
            "show_contacts": user.can_see_contact_details,
            "may_change": can_change(user, person),
            "contacts": person.contacts.all(),
            "memberships": person.memberships.select_related("organisation"),
            "groups": person.group_memberships.select_related("group"),
            "consents": person.consents.all(),
            "adjustments": adjustments,
            "adjustment_needs": needs_of(adjustments),
            "today": timezone.localdate(),
            "assessment": person.assessments.first(),
            "timeline": record_timeline(person, user),
            "merges": merges_for(person),
            "note_form": NoteForm(),
            "access_requests": SubjectAccessRequest.objects.filter(person=person).select_related(
                "requested_by"
            )[:10],
        },
    )


def _person_data(form: PersonForm) -> PersonData:
    data = {k: v for k, v in form.cleaned_data.items() if k != "groups"}
    return PersonData(**data, groups=list(form.cleaned_data["groups"]))


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    regions_ensure()
    user = staff_user(request)
    form = PersonForm(data=request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        person = services.person_create(actor=user, data=_person_data(form), request=request)
        messages.success(request, _("%(name)s added to the directory.") % {"name": person.full_name})
        return redirect("directory:person_detail", code=person.code)
    return render(request, "directory/person_form.html", {"form": form, "person": None})


@staff_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    person = get_for_change(request, people_for(user), code=code)
    membership = person.memberships.first()
    initial = {
        "title": person.title,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "other_names": person.other_names,
        "job_title": person.job_title,
        "region": person.region,
        "postcode": person.postcode,
        "preferred_language": person.preferred_language,
        "communication_needs": person.communication_needs,
        "topics": list(person.topics.all()),
        "team": person.team,
        "owner": person.owner,
        "groups": [m.group for m in person.group_memberships.select_related("group")],
        "emails": "\n".join(c.value for c in person.contacts.filter(kind="email")),
        "phones": "\n".join(c.value for c in person.contacts.filter(kind="phone")),
        "organisation": membership.organisation if membership else None,
        "organisation_role": membership.role if membership else "",
    }
    form = PersonForm(data=request.POST or None, initial=initial, user=user, custom=person.custom)
    if request.method == "POST" and form.is_valid():
        data = _person_data(form)
        data.external_id = person.external_id
        services.person_update(actor=user, person=person, data=data, request=request)
        messages.success(request, _("Changes saved."))
        return redirect("directory:person_detail", code=person.code)
    return render(request, "directory/person_form.html", {"form": form, "person": person})


@require_POST
@staff_required
def person_note(request: HttpRequest, code: UUID) -> HttpResponse:
    person = get_for_change(request, people_for(staff_user(request)), code=code)
    return _add_note(request, person, "directory:person_detail")


def _add_note(request: HttpRequest, record: Person | Organisation, detail_url: str) -> HttpResponse:
    form = NoteForm(data=request.POST)
    if form.is_valid():
        services.note_add(
            actor=staff_user(request), request=request, text=form.cleaned_data["text"], subject=record
        )
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Enter the note before adding it."))
    return redirect(detail_url, code=record.code)


def _assess(request: HttpRequest, record: Person | Organisation, detail_url: str) -> HttpResponse:
    form = AssessmentForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.assessment_record(
            actor=staff_user(request), request=request, subject=record, **form.cleaned_data
        )
        messages.success(request, _("Assessment recorded."))
        return redirect(detail_url, code=record.code)
    return render(request, "directory/assess_form.html", {"form": form, "subject": record})


@staff_required
@require_http_methods(["GET", "POST"])
def person_assess(request: HttpRequest, code: UUID) -> HttpResponse:
    person = get_for_change(request, people_for(staff_user(request)), code=code)
    return _assess(request, person, "directory:person_detail")


# Organisations


@staff_required
def organisation_list(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    form = OrganisationFilterForm(data=request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    query = request.GET.get("q", "").strip()
    organisations = organisations_filtered(user, query, filters)
    carried = request.GET.copy()
    carried.pop("page", None)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _organisations_export(request, {"q": query, **filters}, carried)
    page = Paginator(organisations, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/organisation_list.html",
        {"page": page, "q": query, "query": carried.urlencode(), "form": form},
    )


def _organisations_export(
    request: HttpRequest, filters: dict[str, object], query: QueryDict
) -> HttpResponseBase:
    """Audit the export of the list's organisations, and start the task that writes it
    (``exporters.py``)."""
    kind = query.pop("format", ["csv"])[-1]
    return export_requested(
        request,
        object_type="directory.organisation",
        label=f"Organisations {kind.upper()}",
        filters=filters,
        exporter="directory.organisations",
        params={"query": query.urlencode()},
        file_format=kind,
        title=_("Organisations in the directory"),
        download_name="organisations",
    )


@staff_required
def organisation_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    organisation = get_for_view(request, Organisation.objects.all(), code=code)
    members = people_for(user).filter(memberships__organisation=organisation).distinct()[:200]
    _audit_people_shown(request, f"Members of {organisation}", len(members))
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "timeline": record_timeline(organisation, user),
            "note_form": NoteForm(),
            "assessment": organisation.assessments.first(),
            "organisation": organisation,
            "custom_rows": custom_rows("organisation", user, organisation.custom),
            "members": members,
            "may_change": can_change(user, organisation),
            "children": organisation.children.all(),
        },
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    regions_ensure()
    user = staff_user(request)
    organisation = get_for_change(request, Organisation.objects.all(), code=code) if code else None
    initial = {}
    if organisation is not None:
        initial = {
            "name": organisation.name,
            "other_names": organisation.other_names,
            "kind": organisation.kind,
            "sector": organisation.sector,
            "website": organisation.website,
            "parent": organisation.parent,
            "regions": list(organisation.regions.all()),
            "topics": list(organisation.topics.all()),
            "groups": list(organisation.groups.all()),
        }
    form = OrganisationForm(data=request.POST or None, initial=initial, instance=organisation, user=user)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_save(
            actor=user, organisation=organisation, request=request, **form.cleaned_data
        )
        messages.success(request, _("Organisation saved."))
        return redirect("directory:organisation_detail", code=organisation.code)
    return render(request, "directory/organisation_form.html", {"form": form, "organisation": organisation})


# Duplicates


@staff_required
@role_required(*EDITORS)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    candidates = pending_candidates(staff_user(request))
    page = Paginator(candidates, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    for candidate in page.object_list:
        candidate.likelihood = likelihood(candidate.match_probability)
    _audit_people_shown(request, "Possible duplicates", 2 * len(page.object_list))
    return render(request, "directory/duplicate_list.html", {"page": page, "query": ""})


@require_POST
@staff_required
@role_required(*EDITORS)
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    enqueue_after_commit(duplicates_find_task)
    messages.success(request, _("Looking for duplicates. New pairs appear here in a minute or two."))
    return redirect("directory:duplicate_list")


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def duplicate_review(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    candidate = get_for_view(request, pending_candidates(user), code=code)
    a, b = candidate.person_a, candidate.person_b
    form = MergeForm(
        data=request.POST or None, choices=[(str(a.code), a.full_name), (str(b.code), b.full_name)]
    )
    if request.method == "POST" and request.POST.get("decision") == "not_same":
        candidate_mark_not_same(actor=user, candidate=candidate, request=request)
        messages.success(request, _("Marked as different people. This pair will not be suggested again."))
        return redirect("directory:duplicate_list")
    if request.method == "POST" and form.is_valid():
        merge_url = reverse("directory:duplicate_merge", kwargs={"code": candidate.code})
        return redirect(f"{merge_url}?{urlencode({'keep': form.cleaned_data['survivor']})}")
    for person in (a, b):
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            obj=person,
            request=request,
            detail={"via": "duplicate review"},
        )
    rows = [
        (_("Name"), a.full_name, b.full_name),
        (_("Other names"), ", ".join(a.other_name_list()), ", ".join(b.other_name_list())),
        (
            _("Email"),
            ", ".join(c.value for c in a.contacts.filter(kind="email")),
            ", ".join(c.value for c in b.contacts.filter(kind="email")),
        ),
        (
            _("Phone"),
            ", ".join(c.value for c in a.contacts.filter(kind="phone")),
            ", ".join(c.value for c in b.contacts.filter(kind="phone")),
        ),
        (_("Postcode"), a.postcode, b.postcode),
        (
            _("Organisation"),
            ", ".join(m.organisation.name for m in a.memberships.select_related("organisation")),
            ", ".join(m.organisation.name for m in b.memberships.select_related("organisation")),
        ),
        (_("Job title"), a.job_title, b.job_title),
        (_("Added"), long_date(a.created_at), long_date(b.created_at)),
    ]
    context = {
        "candidate": candidate,
        "form": form,
        "rows": rows,
        "likelihood": likelihood(candidate.match_probability),
        "reasons": agreement_reasons(candidate),
    }
    return render(request, "directory/duplicate_review.html", context)


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def duplicate_merge(request: HttpRequest, code: UUID) -> HttpResponse:
    """The second step of a merge: for each field that differs, which value the kept record takes."""
    user = staff_user(request)
    candidate = get_for_view(request, pending_candidates(user), code=code)
    a, b = candidate.person_a, candidate.person_b
    keep = request.POST.get("keep") or request.GET.get("keep")
    if keep not in (str(a.code), str(b.code)):
        return redirect("directory:duplicate_review", code=candidate.code)
    survivor, duplicate = (a, b) if keep == str(a.code) else (b, a)
    form = MergeFieldsForm(
        data=request.POST or None, kept=merge_field_values(survivor), other=merge_field_values(duplicate)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_merge(
                actor=user, survivor=survivor, duplicate=duplicate, request=request, take=form.taken()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("directory:duplicate_list")
        messages.success(request, _("Records merged. You can undo this from the kept record's page."))
        return redirect("directory:person_detail", code=survivor.code)
    context = {"candidate": candidate, "form": form, "survivor": survivor, "duplicate": duplicate}
    return render(request, "directory/duplicate_merge.html", context)


@require_POST
@staff_required
@role_required(*EDITORS)
def merge_undo(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    merge = get_for_view(request, MergeRecord.objects.filter(survivor__in=people_for(user)), code=code)
    try:
        person_merge_undo(actor=user, merge=merge, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Merge undone. Both records are back as they were."))
    return redirect("directory:person_detail", code=merge.survivor.code)


@staff_required
def stakeholder_map(request: HttpRequest) -> HttpResponse:
    from chorus.directory.stakeholder_map import map_csv, map_points, map_svg

    regions_ensure()
    user = staff_user(request)
    form = DirectoryFilterForm(data=request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    points, total = map_points(user, filters)
    download = request.GET.get("format")
    if download in ("csv", "svg"):
        audit_record(
            actor=user,
            action=AuditAction.EXPORT,
            request=request,
            object_type="directory.person",
            object_repr=f"Stakeholder map {download.upper()}",
            detail={"points": len(points)},
        )
        content, kind = (
            (map_csv(points), "text/csv")
            if download == "csv"
            else (str(map_svg(points, standalone=True)), "image/svg+xml")
        )
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="stakeholder-map.{download}"'
        return response
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        request=request,
        object_type="directory.person",
        object_repr="Stakeholder map",
        detail={"points": len(points)},
    )
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "directory/stakeholder_map.html",
        {"form": form, "points": points, "total": total, "svg": map_svg(points), "query": query.urlencode()},
    )


@staff_required
def panel_list(request: HttpRequest) -> HttpResponse:
    from chorus.directory.panels import ending_soon

    panels = StakeholderGroup.objects.filter(is_panel=True).order_by("name")
    rows = [(panel, current_memberships(panel).count()) for panel in panels]
    return render(request, "directory/panel_list.html", {"rows": rows, "ending": ending_soon(panels)[:100]})


@staff_required
def panel_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    from chorus.directory.panels import makeup_by, makeup_by_region

    panel = get_for_view(request, StakeholderGroup.objects.filter(is_panel=True), code=code)
    visible = people_for(staff_user(request))
    members = current_memberships(panel).filter(person__in=visible).order_by("person__last_name")
    _audit_people_shown(request, f"Members of {panel}", len(members))
    return render(
        request,
        "directory/panel_detail.html",
        {
            "panel": panel,
            "members": members,
            "by_region": makeup_by_region(panel),
            "by_kind": makeup_by(panel, "kind"),
            "by_group": makeup_by(panel, "group"),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def person_consent(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    person = get_for_change(request, people_for(user), code=code)
    form = ConsentForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_record(actor=user, request=request, person=person, **form.cleaned_data)
        messages.success(request, _("Consent recorded."))
        return redirect("directory:person_detail", code=person.code)
    return render(request, "directory/consent_form.html", {"form": form, "person": person})


@require_POST
@staff_required
def organisation_note(request: HttpRequest, code: UUID) -> HttpResponse:
    organisation = get_for_change(request, Organisation.objects.all(), code=code)
    return _add_note(request, organisation, "directory:organisation_detail")


@staff_required
@require_http_methods(["GET", "POST"])
def organisation_assess(request: HttpRequest, code: UUID) -> HttpResponse:
    organisation = get_for_change(request, Organisation.objects.all(), code=code)
    return _assess(request, organisation, "directory:organisation_detail")


@staff_required
@require_http_methods(["GET", "POST"])
def person_group_add(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    person = get_for_change(request, people_for(user), code=code)
    form = GroupMembershipForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_membership_add(actor=user, request=request, person=person, **form.cleaned_data)
        except ValidationError:
            form.add_error("group", _("They are already in this group from that date"))
        else:
            messages.success(request, _("Added to %(group)s.") % {"group": form.cleaned_data["group"].name})
            return redirect("directory:person_detail", code=person.code)
    return render(request, "directory/group_form.html", {"form": form, "person": person})
