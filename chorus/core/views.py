"""Public home, staff home, editable site pages and the audit log."""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from chorus.core.access import administrator_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.exports import export_start
from chorus.core.forms import AuditFilterForm, SitePageForm
from chorus.core.i18n import current_language
from chorus.core.models import AuditAction, SitePage
from chorus.core.outage import DATABASE_ERRORS, RETRY_AFTER_SECONDS, database_unavailable_response
from chorus.core.registry import attention_for
from chorus.core.selectors import audit_entries_filtered, audit_object_types, site_page_get
from chorus.core.services import site_page_update
from chorus.core.text import render_page_text


@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/public_home.html")


@require_GET
def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = site_page_get(slug)
    except SitePage.DoesNotExist:
        raise Http404 from None
    language = current_language()
    return render(
        request,
        "core/site_page.html",
        {"page": page, "title": page.title_for(language), "body": render_page_text(page.body_for(language))},
    )


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(request, "core/staff_home.html", {"items": attention_for(user)})


@staff_required
@administrator_required
def site_page_list(request: HttpRequest) -> HttpResponse:
    pages = [site_page_get(slug) for slug in SitePage.Slug.values]
    return render(request, "core/site_page_list.html", {"pages": pages})


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def site_page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = site_page_get(slug)
    except SitePage.DoesNotExist:
        raise Http404 from None
    initial = {
        "title_en": page.title_en,
        "body_en": page.body_en,
        "title_cy": page.title_cy,
        "body_cy": page.body_cy,
    }
    form = SitePageForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        site_page_update(actor=staff_user(request), request=request, page=page, **form.cleaned_data)
        messages.success(request, _("Page saved. The public page shows the new text now."))
        return redirect("core:site_page_list")
    return render(request, "core/site_page_edit.html", {"form": form, "page": page})


@staff_required
@administrator_required
def audit_log(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(data=request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries_filtered(filters)
    if request.GET.get("format") == "csv" and form.is_valid():
        audit_record(
            actor=staff_user(request),
            action=AuditAction.EXPORT,
            request=request,
            object_type="core.auditentry",
            object_repr="Audit log CSV",
            detail={key: str(value) for key, value in filters.items() if value},
        )
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("page", None)
        export = export_start(
            user=staff_user(request),
            exporter="core.audit_log",
            params={"query": query.urlencode()},
            file_format="csv",
            title=_("Audit log"),
            download_name="audit-log",
        )
        return redirect("core:export_status", code=export.code)
    page = Paginator(entries, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "object_types": audit_object_types(), "query": query.urlencode()},
    )


@require_GET
@cache_control(max_age=3600, public=True)
def brand_css(request: HttpRequest) -> HttpResponse:
    """The brand colour setting as CSS custom properties (no inline styles, so CSP stays strict)."""
    colour = settings.CHORUS_BRAND_COLOUR
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    dark = "#{:02x}{:02x}{:02x}".format(*(int(c * 0.6) for c in (red, green, blue)))
    css = f":root {{ --chorus-brand: {colour}; --chorus-brand-dark: {dark}; }}\n"
    return HttpResponse(css, content_type="text/css")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to Chorus's icon."""
    return redirect(static("chorus/favicon.svg"), permanent=True)


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and container health checks: 200 when the database answers, 503
    (with a short reason) while it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_ERRORS:
        response = HttpResponse("database unavailable", status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ok", content_type="text/plain")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Signed-in staff keep their header and menu: the refusal is one page of their work.
    user = getattr(request, "user", None)
    staff = bool(user is not None and user.is_authenticated and "/staff/" in request.path_info)
    base = "staff_base.html" if staff else "base.html"
    return render(request, "403.html", {"base_template": base}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (an old page, a signed-out session)."""
    return render(request, "403_csrf.html", status=403)


def is_api(request: HttpRequest) -> bool:
    """Whether the request is to one of Chorus's APIs, which answer in JSON, errors too."""
    return request.path.startswith("/api/")


def api_error(status: int, field: str, message: str) -> HttpResponse:
    """An API's error as its endpoints give them: ``{"errors": {field: [message]}}``."""
    return JsonResponse({"errors": {field: [message]}}, status=status)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        if request.path.startswith("/api/v1/"):
            message = _(
                "There is no such address in this API. Addresses end without a slash; "
                "the API's documentation (/api/v1/docs) lists them all."
            )
        else:
            message = _("There is no such address in this API. Check it against the API's documentation.")
        return api_error(404, "path", message)
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # A middleware's query (the session saved on the way out, say) can find the database
    # away after the view's own error was answered: that is an outage, not a fault.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable_response(request)
    return render(request, "500.html", status=500)
