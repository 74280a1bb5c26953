"""The board pack as a page with a period chooser, a PDF and a Word document.

Every staff role may see it, as the engagement report it draws on; what it counts is what
the user may see. Each download is recorded in the audit log.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from chorus.core.access import staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.dates import long_date
from chorus.core.downloads import attachment
from chorus.core.i18n import current_welsh_or_english
from chorus.core.models import AuditAction
from chorus.engagement.forms import PeriodForm
from chorus.engagement.report import quarter_label, quarter_of
from chorus.insights.board_pack import board_pack
from chorus.insights.board_pack_outline import pack_notes, pack_outline, pack_period

# As long a period as the engagement report takes.
LANGUAGES = ("en", "cy")


class BoardPackForm(PeriodForm):
    """The pack's period: what happened, so it starts by today."""

    start_by_today = True


def _quarters() -> list[dict[str, Any]]:
    """The last eight quarters, this one first, for choosing with one click."""
    quarters = []
    day = timezone.localdate()
    for _step in range(8):
        start, end = quarter_of(day)
        quarters.append({"label": quarter_label(start), "start": start, "end": end})
        day = start - timedelta(days=1)
    return quarters


def _form(request: HttpRequest) -> BoardPackForm:
    """The period asked for; with none, the last full quarter."""
    last_quarter = quarter_of(quarter_of(timezone.localdate())[0] - timedelta(days=1))
    data = request.GET.copy()
    if not any(key.startswith(("start", "end")) for key in data):
        data["start"], data["end"] = last_quarter[0].isoformat(), last_quarter[1].isoformat()
    return BoardPackForm(data=data)


def _page(request: HttpRequest, form: BoardPackForm, status: int = 200) -> HttpResponse:
    pack = None
    if form.is_valid():
        pack = board_pack(staff_user(request), form.cleaned_data["start"], form.cleaned_data["end"])
    period = {}
    if pack is not None:
        period = {"start": pack.start.isoformat(), "end": pack.end.isoformat()}
    return render(
        request,
        "insights/board_pack.html",
        {
            "form": form,
            "pack": pack,
            "period": pack_period(pack) if pack else "",
            "sections": pack_outline(pack) if pack else [],
            "notes": pack_notes(pack) if pack else [],
            "quarters": _quarters(),
            "period_query": period,
            "languages": [("en", "English"), ("cy", "Cymraeg")],
        },
        status=status,
    )


@staff_required
def board_pack_page(request: HttpRequest) -> HttpResponse:
    return _page(request, _form(request))


def _english_day(day: date) -> str:
    """A day as the audit log writes it, in English whatever the page's language."""
    with translation.override("en"):
        return long_date(day)


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    """The pack as a file of ``kind`` ("pdf" or "docx") in the language asked for
    (``?lang=cy``) or, failing that, the page's; recorded in the audit log."""
    from chorus.insights.board_pack_docx import DOCX_CONTENT_TYPE, board_pack_docx_bytes
    from chorus.insights.board_pack_pdf import board_pack_pdf_bytes

    form = _form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    user = staff_user(request)
    start: date = form.cleaned_data["start"]
    end: date = form.cleaned_data["end"]
    asked = request.GET.get("lang", "")
    language = asked if asked in LANGUAGES else current_welsh_or_english()
    with translation.override(language):
        pack = board_pack(user, start, end)
        body = board_pack_pdf_bytes(pack) if kind == "pdf" else board_pack_docx_bytes(pack)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        request=request,
        object_type="insights.boardpack",
        object_id=f"{start.isoformat()}/{end.isoformat()}",
        object_repr=f"Board pack, {_english_day(start)} to {_english_day(end)}",
        detail={"format": kind, "language": language},
    )
    content_type = "application/pdf" if kind == "pdf" else DOCX_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    attachment(response, f"board-pack-{start.isoformat()}-to-{end.isoformat()}-{language}.{kind}")
    return response


@staff_required
def board_pack_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@staff_required
def board_pack_docx(request: HttpRequest) -> HttpResponse:
    return _download(request, "docx")
