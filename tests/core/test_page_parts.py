"""The shared page parts: the error summary and pagination."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.template.loader import render_to_string

from chorus.core.templatetags.chorus import govuk_error_summary


class _Form(forms.Form):
    first = forms.CharField(error_messages={"required": "Enter the first"})
    second = forms.CharField(error_messages={"required": "Enter the second"})
    third = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("third"):
            self.add_error("third", "Enter the third")
        return data


def test_the_error_summary_lists_errors_in_the_order_of_the_fields() -> None:
    form = _Form(data={"first": "", "second": "x", "third": ""})
    form.fields = {"third": form.fields["third"], **{k: v for k, v in form.fields.items() if k != "third"}}
    form.is_valid()
    messages = [error["message"] for error in govuk_error_summary(form)["errors"]]
    assert messages == ["Enter the third", "Enter the first"]


def test_page_n_of_m_is_not_on_the_link_coloured_fill() -> None:
    page = Paginator(list(range(30)), 10).get_page(2)
    html = render_to_string("includes/pagination.html", {"page": page, "query": ""})
    assert "Page 2 of 3" in html
    # Body text on the current-page item's blue fill is 3.22:1, under WCAG AA's 4.5:1.
    assert "govuk-pagination__item--current" not in html
