"""Administrators' pages for the fields they add to records (``chorus.core.custom_fields``)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.core.access import administrator_required, staff_required, staff_user
from chorus.core.custom_fields import CustomFieldForm, has_values
from chorus.core.models import CustomField, CustomFieldTarget
from chorus.core.services import custom_field_save


@staff_required
@administrator_required
def custom_field_list(request: HttpRequest) -> HttpResponse:
    fields = list(CustomField.objects.all())
    groups = [
        (label, [f for f in fields if f.applies_to == value]) for value, label in CustomFieldTarget.choices
    ]
    return render(request, "core/custom_field_list.html", {"groups": groups, "any": bool(fields)})


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def custom_field_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    # Definitions are not team records: every administrator may change every one.
    field = get_object_or_404(CustomField, code=code) if code else None
    form = CustomFieldForm(data=request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        saved = custom_field_save(actor=staff_user(request), request=request, field=form.instance)
        messages.success(request, _("Field “%(label)s” saved.") % {"label": saved.label_en})
        return redirect("core:custom_field_list")
    return render(
        request,
        "core/custom_field_form.html",
        {"form": form, "field": field, "has_values": bool(field and has_values(field.applies_to, field.key))},
    )
