"""Emails logged to people (``emails.py``): reading one, the files it brought, and "Emails to
file", where officers and administrators file an email matched to no one to people they
choose from the directory (and a project), or discard it with a reason.

Reading an email is for those who may see people's contact details (not viewers), when
they may see every person and the project it is logged to; each view is audited."""

from __future__ import annotations

import mimetypes
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from chorus.core.access import get_for_view, role_required, staff_required, staff_user, visible_to
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.roles import Role
from chorus.core.uploads import attachment_problem_text
from chorus.directory.models import Person
from chorus.directory.search import search_people
from chorus.engagement.emails import (
    FILERS,
    email_discard,
    email_file,
    emails_for,
    emails_to_file,
    people_exact,
    people_near,
    people_suggested,
    people_visible,
)
from chorus.engagement.models import LoggedEmail, Project

READERS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST)
# People a search on the filing page lists.
SEARCH_MOST = 20


class PersonChoiceField(forms.ModelMultipleChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class EmailFileForm(forms.Form):
    people = PersonChoiceField(
        label=_("People the email concerns"),
        queryset=Person.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person to file the email to")},
    )
    project = forms.ModelChoiceField(
        label=_("Project (optional)"),
        queryset=Project.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("No project"),
    )

    def __init__(self, *args: Any, people: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people  # type: ignore[attr-defined]
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]


class EmailDiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the email discarded?"),
        help_text=_("For example, it is not about anyone Chorus keeps a record of"),
        max_length=300,
        error_messages={"required": _("Say why the email is discarded")},
    )


def _errors_into(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        for text in error.messages:
            form.add_error(None, text)


@require_GET
@staff_required
@role_required(*FILERS)
def email_list(request: HttpRequest) -> HttpResponse:
    """Emails to file: those matched to no one in the directory, oldest first."""
    emails = emails_to_file(staff_user(request))
    return render(request, "engagement/email_list.html", {"emails": emails[:200], "count": emails.count()})


@require_GET
@staff_required
@role_required(*READERS)
def email_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    email = get_for_view(request, emails_for(user), code=code)
    return render(
        request,
        "engagement/email_detail.html",
        {
            "email": email,
            "people": email.people.filter(merged_into__isnull=True, erased_at__isnull=True),
            "attachments": email.attachments.all(),
            "refused": [
                (item.get("name", ""), attachment_problem_text(item.get("reason", ""), item.get("name", "")))
                for item in email.refused
            ],
            "may_file": user.role in FILERS and email.status == LoggedEmail.Status.TO_FILE,
        },
    )


def _waiting(request: HttpRequest, code: UUID) -> LoggedEmail:
    return get_for_view(request, emails_to_file(staff_user(request)), code=code)


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*FILERS)
def email_file_view(request: HttpRequest, code: UUID) -> HttpResponse:
    """File an email to people found in the directory by name or email, and a project."""
    user = staff_user(request)
    email = _waiting(request, code) if request.method == "GET" else _waiting_unaudited(request, code)
    query = request.GET.get("q", "").strip()[:100]
    found = list(search_people(people_visible(user), query)[:SEARCH_MOST]) if query else []
    suggested = people_suggested(email, user)
    exact = people_exact(email, user)
    near = people_near(email, user)
    form = EmailFileForm(
        request.POST if request.method == "POST" else None,
        people=people_visible(user),
        projects=visible_to(user, Project.objects.all()),
        initial={"project": email.project},
    )
    if request.method == "POST" and form.is_valid():
        try:
            email_file(
                actor=user,
                email=email,
                people=list(form.cleaned_data["people"]),
                project=form.cleaned_data["project"],
                request=request,
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Email filed."))
            return redirect("engagement:email_detail", code=email.code)
    choices = {p.pk: p for p in [*exact, *(n.person for n in near), *suggested, *found]}
    near_by_person = {n.person.pk: n for n in near}
    if form.is_bound and form.is_valid():
        choices |= {p.pk: p for p in form.cleaned_data["people"]}
    chosen = set(request.POST.getlist("people")) if request.method == "POST" else set()
    return render(
        request,
        "engagement/email_file.html",
        {
            "email": email,
            "form": form,
            "query": query,
            "searched": bool(query),
            # Each person offered, with the near address that suggested them (or None).
            "choices": [(person, near_by_person.get(person.pk)) for person in choices.values()],
            "suggested": {p.pk for p in suggested},
            "exact": {p.pk for p in exact},
            "near": set(near_by_person),
            "chosen": chosen,
        },
    )


def _waiting_unaudited(request: HttpRequest, code: UUID) -> LoggedEmail:
    """The email a POST files or discards: the service audits what it does with it."""
    try:
        return emails_to_file(staff_user(request)).get(code=code)
    except LoggedEmail.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*FILERS)
def email_discard_view(request: HttpRequest, code: UUID) -> HttpResponse:
    email = _waiting(request, code) if request.method == "GET" else _waiting_unaudited(request, code)
    form = EmailDiscardForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            email_discard(
                actor=staff_user(request), email=email, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Email discarded."))
            return redirect("engagement:email_list")
    return render(request, "engagement/email_discard.html", {"email": email, "form": form})


@require_GET
@staff_required
@role_required(*READERS)
def email_attachment(request: HttpRequest, code: UUID, attachment: UUID) -> FileResponse:
    """A file an email brought, for those who may read the email (audited as a view of it).
    Always downloaded, never shown in the browser: it came from outside."""
    email = emails_for(staff_user(request)).filter(code=code).first()
    found = email.attachments.filter(code=attachment).first() if email is not None else None
    if email is None or found is None or not found.file:
        raise Http404
    audit_record(
        actor=staff_user(request),
        action=AuditAction.VIEW,
        obj=email,
        request=request,
        detail={"file": found.original_name},
    )
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=mimetypes.guess_type(found.original_name)[0] or "application/octet-stream",
    )
