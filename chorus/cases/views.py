"""Staff pages of cases: the list with its filters, staff entry, the case page with its
timeline, assigning, notes, replies from templates, escalating and closing."""

from __future__ import annotations

import mimetypes
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chorus.accounts.models import Role, User
from chorus.cases import services
from chorus.cases.forms import (
    AssignForm,
    CaseFieldsForm,
    CaseFilterForm,
    CloseForm,
    NoteForm,
    ReopenForm,
    ReplyForm,
    StaffCaseForm,
)
from chorus.cases.labels import due_label
from chorus.cases.models import (
    Case,
    CaseEmail,
    CaseNote,
    Kind,
    ReplyTemplate,
    SatisfactionSurvey,
    Stage,
    Status,
)
from chorus.cases.satisfaction import answer_lines, survey_is_open
from chorus.cases.working_days import add_working_days
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
    teams_assignable_by,
    visible_to,
)
from chorus.core.audit import audit_record
from chorus.core.custom_fields import filtered as custom_filtered
from chorus.core.custom_fields import rows as custom_rows
from chorus.core.models import AuditAction
from chorus.core.uploads import attachment_problem_text
from chorus.directory.models import Person

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)
PER_PAGE = 50
# "Due soon": this many working days or fewer left.
SOON_DAYS = 3


def _errors_into(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _staff_users(user: User) -> QuerySet[User]:
    """Who a case may be assigned to or filtered by: active staff who may change cases, in
    the teams the user may assign to (everyone for an administrator)."""
    users = User.objects.filter(is_active=True, role__in=EDITORS)
    if not user.is_administrator:
        users = users.filter(teams__in=teams_assignable_by(user)).distinct()
    return users.order_by("full_name")


def cases_filtered(user: User, filters: dict[str, Any]) -> QuerySet[Case]:
    cases = visible_to(user, Case.objects.all())
    if kind := filters.get("kind"):
        cases = cases.filter(kind=kind)
    if status := filters.get("status"):
        cases = cases.filter(status=status)
    if category := filters.get("category"):
        cases = cases.filter(category=category)
    if region := filters.get("region"):
        cases = cases.filter(Q(place__region=region) | Q(place__region__parent=region))
    if assignee := filters.get("assignee"):
        cases = cases.filter(assignee=assignee)
    today = timezone.localdate()
    if filters.get("due") == "overdue":
        cases = cases.filter(status=Status.OPEN, due_on__lt=today)
    elif filters.get("due") == "soon":
        cases = cases.filter(
            status=Status.OPEN, due_on__gte=today, due_on__lte=add_working_days(today, SOON_DAYS)
        )
    cases = custom_filtered(cases, "case", filters)
    return cases.select_related("category", "assignee", "place").order_by("due_on", "id")


@require_GET
@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = CaseFilterForm(request.GET or None, users=_staff_users(user), user=user)
    if form.is_bound and not form.is_valid():
        # A filter from an old or changed address (a category since removed, someone who
        # left): left out, and the others still applied.
        kept = request.GET.copy()
        for name in form.errors:
            kept.pop(name, None)
        form = CaseFilterForm(kept or None, users=_staff_users(user), user=user)
        form.is_valid()
    filters = form.cleaned_data if form.is_bound else {}
    page = Paginator(cases_filtered(user, filters), PER_PAGE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    if cases:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            request=request,
            object_type="cases.case",
            object_repr="Cases list",
            detail={"cases shown": [c.reference for c in cases]},
        )
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])
    today = timezone.localdate()
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (case, due_label(case.working_days_left(today) if case.is_open else None)) for case in cases
            ],
            "query": query,
            "today": today,
            "may_create": user.role in EDITORS,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def case_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = StaffCaseForm(
        request.POST if request.method == "POST" else None, teams=teams_assignable_by(user), user=user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        team = data["team"]
        if team is None and not user.is_administrator:
            team = user.teams.order_by("name").first()
        try:
            case = services.case_open(
                actor=user,
                request=request,
                data=services.CaseData(
                    kind=data["kind"],
                    channel=data["channel"],
                    description=data["description"],
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    address=data["address"],
                    service=data["service"],
                    category=data["category"],
                    place=data["place"],
                    team=team,
                    language=data["language"],
                    received_on=data["received_on"],
                    custom=data.get("custom", {}),
                ),
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Case %(reference)s opened.") % {"reference": case.reference})
            return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/case_create.html", {"form": form})


SYSTEM_NOTES = (CaseNote.Kind.OPENED, CaseNote.Kind.STAGE, CaseNote.Kind.CLOSED)
# What email to the case address writes on the timeline itself, kept in English.
MACHINE_TEXTS = (services.EMAILED_AGAIN, services.NO_TEXT)


def _email_details(email: CaseEmail | None) -> dict[str, Any]:
    """An email's subject, sender and files not kept, for its line on the timeline or the
    case's original email; nothing for anything else."""
    if email is None:
        return {}
    sender = f"{email.sender_name} <{email.sender}>" if email.sender_name and email.sender else email.sender
    return {
        "subject": email.subject,
        "sender": sender or email.sender_name,
        "to": email.to,
        "cc": email.cc,
        "sent_at": email.sent_at,
        "refused": [
            (item.get("name", ""), attachment_problem_text(item.get("reason", ""), item.get("name", "")))
            for item in email.refused
            if isinstance(item, dict)
        ],
    }


def _timeline(case: Case) -> list[dict[str, Any]]:
    """Notes, what happened and replies sent, oldest first."""
    items: list[dict[str, Any]] = [
        {
            "at": note.created_at,
            "kind": note.kind,
            "title": note.get_kind_display(),
            # What happened is kept in English (a channel, a stage, an outcome) and shown in
            # the reader's language; notes and reasons are people's own words.
            "text": _(note.text) if note.kind in SYSTEM_NOTES or note.text in MACHINE_TEXTS else note.text,
            "by": note.author.full_name if note.author else "",
            # An email's words are the person's, in the case's language (marked so on a page
            # in the other); staff notes and what Chorus writes are not.
            "own_words": note.kind == CaseNote.Kind.EMAIL and note.text not in MACHINE_TEXTS,
            **_email_details(getattr(note, "email", None)),
        }
        for note in case.notes.select_related("author", "email")
    ]
    items += [
        {
            "at": reply.sent_at,
            "kind": "reply",
            "title": _("Reply sent"),
            "text": reply.body,
            "own_words": True,
            "subject": reply.subject,
            "by": reply.sent_by.full_name if reply.sent_by else "",
        }
        for reply in case.replies.select_related("sent_by")
    ]
    survey = SatisfactionSurvey.objects.filter(case=case).first()
    if survey is not None:
        survey.case = case
        items.append(
            {
                "at": survey.created_at,
                "kind": "survey_sent",
                "title": _("Satisfaction survey sent"),
                "text": ""
                if survey.answered_at is not None
                else _("Not answered yet.")
                if survey_is_open(survey)
                else _("Not answered: the link has closed."),
            }
        )
        if survey.answered_at is not None:
            # The person's own words among the answers: shown to whoever may see the case,
            # escaped like the rest, and audited with the view of the case.
            items.append(
                {
                    "at": survey.answered_at,
                    "kind": "survey",
                    "title": _("Satisfaction survey answered"),
                    "text": "",
                    "answers": answer_lines(survey),
                }
            )
    return sorted(items, key=lambda item: item["at"])


@require_GET
@staff_required
def case_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    case = get_for_view(
        request, Case.objects.select_related("category", "place", "team", "assignee", "person"), code=code
    )
    return _detail_page(request, case)


def _detail_page(request: HttpRequest, case: Case, note_form: NoteForm | None = None) -> HttpResponse:
    """The case page; ``note_form`` is a note that was not added, with what is wrong with it."""
    user = staff_user(request)
    may_change = can_change(user, case)
    # Linked only where the user may open the person's record (it may be another team's).
    person_visible = (
        case.person_id is not None
        and visible_to(user, Person.objects.filter(pk=case.person_id, erased_at__isnull=True)).exists()
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "due": due_label(case.working_days_left() if case.is_open else None),
            "overdue": case.is_open and case.due_on < timezone.localdate(),
            "timeline": _timeline(case),
            "attachments": case.attachments.all(),
            # The email that opened the case, when one did (later ones are on the timeline).
            "original_email": _email_details(case.emails.filter(note__isnull=True).first()),
            "may_change": may_change,
            "custom_rows": custom_rows("case", user, case.custom),
            "person_visible": person_visible,
            "show_contacts": user.can_see_contact_details,
            "note_form": (note_form or NoteForm()) if may_change else None,
            "templates": _templates_for(case) if may_change and case.email else [],
        },
    )


def _templates_for(case: Case) -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(is_active=True).filter(Q(kind="") | Q(kind=case.kind))


def _case_for_change(request: HttpRequest, code: UUID) -> Case:
    return get_for_change(request, Case.objects.select_related("team", "assignee"), code=code)


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def case_assign(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    case = _case_for_change(request, code)
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        teams=teams_assignable_by(user),
        users=_staff_users(user),
        initial={"team": case.team, "assignee": case.assignee},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign(
                actor=user,
                case=case,
                team=form.cleaned_data["team"],
                assignee=form.cleaned_data["assignee"],
                request=request,
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Case assigned."))
            return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/case_assign.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def case_fields(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change the values of the fields administrators added to cases."""
    user = staff_user(request)
    case = _case_for_change(request, code)
    form = CaseFieldsForm(request.POST if request.method == "POST" else None, user=user, case=case)
    if request.method == "POST" and form.custom_definitions and form.is_valid():
        services.case_custom_set(actor=user, case=case, custom=form.cleaned_data["custom"], request=request)
        messages.success(request, _("Changes saved."))
        return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/case_fields.html", {"case": case, "form": form})


@require_POST
@staff_required
@role_required(*EDITORS)
def case_note(request: HttpRequest, code: UUID) -> HttpResponse:
    case = _case_for_change(request, code)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.case_note_add(
            actor=staff_user(request), case=case, text=form.cleaned_data["text"], request=request
        )
        messages.success(request, _("Note added."))
        return redirect("cases:case_detail", code=case.code)
    # Shown again with what is wrong, and the note as it was written.
    return _detail_page(request, case, note_form=form)


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def case_reply(request: HttpRequest, code: UUID) -> HttpResponse:
    """Choose a template, see it filled in for the case, change it if need be, and send."""
    user = staff_user(request)
    case = _case_for_change(request, code)
    templates = _templates_for(case)
    chosen = (
        templates.filter(pk=request.GET.get("template") or 0).first() if request.method == "GET" else None
    )
    initial: dict[str, Any] = {}
    if chosen is not None:
        subject, body = services.template_render(chosen, case, case.language)
        initial = {"subject": subject, "body": body, "template": chosen}
    form = ReplyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reply(
                actor=user,
                case=case,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                template=form.cleaned_data["template"],
                request=request,
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Reply sent to %(email)s.") % {"email": case.email})
            return redirect("cases:case_detail", code=case.code)
    return render(
        request,
        "cases/case_reply.html",
        {"case": case, "form": form, "templates": templates, "chosen": chosen, "has_email": bool(case.email)},
    )


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def case_escalate(request: HttpRequest, code: UUID) -> HttpResponse:
    case = _case_for_change(request, code)
    following = case.next_stage
    if request.method == "POST":
        try:
            services.case_escalate(actor=staff_user(request), case=case, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Case escalated to %(stage)s.") % {"stage": str(Stage(case.stage).label).lower()}
            )
        return redirect("cases:case_detail", code=case.code)
    new_due = services.due_date(case.kind, following, timezone.localdate()) if following else None
    return render(
        request,
        "cases/case_escalate.html",
        {"case": case, "following": Stage(following).label if following else "", "new_due": new_due},
    )


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def case_close(request: HttpRequest, code: UUID) -> HttpResponse:
    case = _case_for_change(request, code)
    if not case.is_open:
        messages.error(request, _("This case is already closed"))
        return redirect("cases:case_detail", code=case.code)
    form = CloseForm(
        request.POST if request.method == "POST" else None, complaint=case.kind == Kind.COMPLAINT
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                actor=staff_user(request),
                case=case,
                outcome=form.cleaned_data.get("outcome", ""),
                lesson_learned=form.cleaned_data["lesson_learned"],
                request=request,
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Case closed."))
            return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/case_close.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def case_reopen(request: HttpRequest, code: UUID) -> HttpResponse:
    case = _case_for_change(request, code)
    if case.is_open:
        messages.error(request, _("This case is already open"))
        return redirect("cases:case_detail", code=case.code)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(
                actor=staff_user(request), case=case, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Case reopened."))
            return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/case_reopen.html", {"case": case, "form": form})


@require_GET
@staff_required
@role_required(*EDITORS)
def case_attachment(request: HttpRequest, code: UUID, attachment: UUID) -> FileResponse:
    """A file the person sent, for the staff who handle the case (audited as a view of it).
    Always downloaded, never shown in the browser: it came from the public."""
    case = _case_for_change(request, code)
    found = case.attachments.filter(code=attachment).first()
    if found is None or not found.file:
        raise Http404
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=mimetypes.guess_type(found.original_name)[0] or "application/octet-stream",
    )
