"""Public subscription pages, tracked links, the delivery-status callback, and staff pages."""

from __future__ import annotations

import hmac
import json
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from chorus.accounts.models import Role, User
from chorus.bulletins import services, trials
from chorus.bulletins.forms import (
    ArmForm,
    BulletinForm,
    PreferencesForm,
    SendForm,
    SubscribeForm,
)
from chorus.bulletins.models import AddressEvent, Bulletin, Delivery, Link, Subscriber
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.audit import audit_record
from chorus.core.i18n import current_welsh_or_english
from chorus.core.models import AuditAction
from chorus.core.ratelimit import HONEYPOT, hit, slow_down
from chorus.directory.reference import regions_ensure

PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
    b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


# Public --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    regions_ensure()
    form = SubscribeForm(request.POST or None, language=current_welsh_or_english())
    if request.method == "POST" and form.is_valid():
        # Checked only once the form is valid, so a person with something to fix sees that.
        if request.POST.get(HONEYPOT):
            # A bot filled the hidden field: answer as if it worked, send nothing.
            return render(request, "bulletins/check_email.html", {"email": form.cleaned_data["email"]})
        address = getattr(request, "client_address", None) or ""
        if hit("bulletin-subscribe", address, limit=10, per=timedelta(minutes=10)):
            return slow_down(
                request,
                heading=_("Too many attempts"),
                paragraphs=[
                    _(
                        "There have been too many sign-ups from your connection. "
                        "Wait 10 minutes and try again."
                    )
                ],
            )
        services.subscribe(
            email=form.cleaned_data["email"],
            regions=form.cleaned_data["regions"],
            topics=form.cleaned_data["topics"],
            language=current_welsh_or_english(),
        )
        return render(request, "bulletins/check_email.html", {"email": form.cleaned_data["email"]})
    return render(request, "bulletins/subscribe.html", {"form": form, "honeypot": HONEYPOT})


def _subscriber(token: str) -> Subscriber:
    return get_object_or_404(Subscriber, token=token)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link opens a page with a button; only pressing it (a POST) confirms, so a
    mail scanner that follows every link cannot subscribe someone."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return render(request, "bulletins/link_expired.html", status=404)
    if request.method == "POST":
        services.confirm(subscriber)
    elif subscriber.status == Subscriber.Status.PENDING:
        return render(request, "bulletins/confirm.html", {"subscriber": subscriber})
    return render(request, "bulletins/confirmed.html", {"subscriber": subscriber})


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber(token)
    initial = {
        "regions": subscriber.regions.all(),
        "topics": subscriber.topics.all(),
        "language": subscriber.language,
    }
    form = PreferencesForm(request.POST or None, initial=initial, language=current_welsh_or_english())
    if request.method == "POST" and form.is_valid():
        subscriber.language = form.cleaned_data["language"]
        subscriber.save(update_fields=["language", "updated_at"])
        subscriber.regions.set(form.cleaned_data["regions"])
        subscriber.topics.set(form.cleaned_data["topics"])
        messages.success(request, _("Your choices are saved."))
        return redirect("bulletins:manage", token=token)
    return render(request, "bulletins/manage.html", {"form": form, "subscriber": subscriber})


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click: the link in every bulletin unsubscribes at once and offers an undo; a
    mail client's List-Unsubscribe-Post does the same without a page."""
    subscriber = _subscriber(token)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        services.unsubscribe(subscriber, how="one-click")
        return HttpResponse(status=200)
    # Someone who was only told what changed after taking part (a share-back) never had
    # bulletins: the page speaks of those emails, and the undo gives them back, not bulletins.
    told_only = subscriber.consented_at is None
    if request.method == "POST" and request.POST.get("undo"):
        services.resubscribe(subscriber)
        if told_only:
            return render(
                request,
                "bulletins/unsubscribed.html",
                {"subscriber": subscriber, "told_only": True, "undone": True},
            )
        messages.success(request, _("You are subscribed again."))
        return redirect("bulletins:manage", token=token)
    services.unsubscribe(subscriber, how="link")
    return render(request, "bulletins/unsubscribed.html", {"subscriber": subscriber, "told_only": told_only})


def click(request: HttpRequest, token: str, number: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, token=token)
    link = get_object_or_404(Link, bulletin_id=delivery.bulletin_id, number=number)
    services.click_record(delivery, link)
    return redirect(link.url)


def opened(request: HttpRequest, token: str) -> HttpResponse:
    delivery = Delivery.objects.filter(token=token).first()
    if delivery is not None:
        services.open_record(delivery)
    return HttpResponse(PIXEL, content_type="image/gif", headers={"Cache-Control": "no-store"})


@csrf_exempt
@require_POST
def delivery_status(request: HttpRequest) -> HttpResponse:
    """Bounces and complaints, from GOV.UK Notify's callbacks or any mail service.

    Authorised by ``Authorization: Bearer CHORUS_BULLETIN_CALLBACK_TOKEN``. Accepts Notify's
    delivery receipt (``to``, ``status``) or ``{"email": ..., "event": "bounce"|"complaint"}``."""
    expected = settings.CHORUS_BULLETIN_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given, expected):
        return JsonResponse({"error": "A valid bearer token is required."}, status=401)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "The body must be JSON."}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": "The body must be a JSON object."}, status=400)
    email = str(body.get("email") or body.get("to") or "").strip()
    event = str(body.get("event") or "")
    status = str(body.get("status") or "")
    if status == "permanent-failure":
        event = AddressEvent.Kind.BOUNCE
    elif status in ("delivered", "temporary-failure", "technical-failure", "sending", "created"):
        return JsonResponse({"recorded": False, "reason": f"status {status} needs no action"})
    if not email or "@" not in email:
        return JsonResponse({"error": "Give the address as email (or Notify's to)."}, status=400)
    if event not in (AddressEvent.Kind.BOUNCE, AddressEvent.Kind.COMPLAINT):
        return JsonResponse({"error": "event must be bounce or complaint."}, status=400)
    stopped = services.address_stopped(
        email=email, kind=event, detail=str(body.get("detail") or status)[:300], source="callback"
    )
    return JsonResponse({"recorded": True, "subscribers_stopped": stopped})


# Staff ---------------------------------------------------------------------------------


@staff_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    bulletins = visible_to(user, Bulletin.objects.all())
    page = Paginator(bulletins, 25).get_page(request.GET.get("page"))
    counts = {
        "active": Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count(),
        "pending": Subscriber.objects.filter(status=Subscriber.Status.PENDING).count(),
    }
    return render(
        request,
        "bulletins/bulletin_list.html",
        {"page": page, "counts": counts, "can_add": can_change(user, Bulletin())},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def bulletin_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    user = staff_user(request)
    bulletin = (
        get_for_change(request, Bulletin.objects.all(), code=code) if code else Bulletin(created_by=user)
    )
    if not code and not can_change(user, bulletin):
        raise PermissionDenied  # as every page the user's role may not use
    regions_ensure()
    form = BulletinForm(request.POST or None, instance=bulletin, user=user)
    if request.method == "POST" and form.is_valid():
        saved = services.bulletin_save(form=form, actor=user)
        return redirect("bulletins:bulletin_detail", code=saved.code)
    return render(request, "bulletins/bulletin_form.html", {"form": form, "bulletin": bulletin})


@staff_required
@require_POST
def bulletin_preview(request: HttpRequest) -> HttpResponse:
    """The live preview beside the editor (htmx): rendered Markdown and the reach."""
    body = services.blocks_fill(request.POST.get("body", ""), current_welsh_or_english())
    form = BulletinForm(request.POST, user=staff_user(request))
    reach = _reach_of(form.cleaned_data, staff_user(request)) if form.is_valid() else None
    return render(request, "bulletins/_preview.html", {"html": services.markdown_html(body), "reach": reach})


def _reach_of(data: dict[str, Any], user: User) -> int:
    """How many the audience chosen in an unsaved form reaches (saved searches as ``user``
    may use them)."""

    def ids(name: str) -> list[int]:
        return [item.pk for item in data.get(name) or []]

    return services.audience_for(
        regions=ids("regions"),
        topics=ids("topics"),
        lists=ids("lists"),
        groups=ids("groups"),
        saved_searches=list(data.get("saved_searches") or []),
        user=user,
    ).count()


@staff_required
@require_http_methods(["GET"])
def bulletin_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    bulletin = get_for_view(request, Bulletin.objects.all(), code=code)
    return _detail(request, bulletin, send_form=None)


def _detail(request: HttpRequest, bulletin: Bulletin, *, send_form: SendForm | None) -> HttpResponse:
    user = staff_user(request)
    changeable = can_change(user, bulletin) and not bulletin.is_locked
    if changeable and send_form is None:
        send_form = SendForm()
    arm_form = ArmForm(prefix="arm") if changeable and bulletin.is_trial else None
    audience = services.audience(bulletin, user) if not bulletin.is_locked else None
    preview_for = None
    preview_email = request.GET.get("as", "").strip().lower()
    if preview_email:
        preview_for = Subscriber.objects.filter(email=preview_email).first()
        if preview_for is None:
            messages.error(
                request, _("Nobody subscribes with that address: enter a subscriber's email address.")
            )
        else:
            audit_record(actor=user, action=AuditAction.VIEW, obj=preview_for, request=request)
    previewed = preview_for or Subscriber(email="someone@example.org", language=current_welsh_or_english())
    preview_subject, preview_html = services.preview(bulletin, previewed)
    # A Welsh subscriber gets the English text when there is no Welsh: mark up which it is.
    preview_language = "cy" if previewed.language == "cy" and bulletin.body_cy else "en"
    counts = bulletin.delivery_counts()
    return render(
        request,
        "bulletins/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "reach": audience.count() if audience is not None else bulletin.recipients,
            "send_form": send_form if changeable else None,
            "arm_form": arm_form,
            "arms": bulletin.arms.all(),
            "preview_html": preview_html,
            "preview_subject": preview_subject,
            "preview_language": preview_language,
            "preview_for": preview_for,
            "counts": [(Delivery.Status(status).label, n) for status, n in counts.items()],
            "result": trials.result(bulletin)
            if bulletin.is_trial and bulletin.status == Bulletin.Status.SENT
            else None,
            "changeable": changeable,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def bulletin_send(request: HttpRequest, code: UUID) -> HttpResponse:
    """Nothing goes from one click: the send form leads here, to "Send to N people?" (and,
    where people asked for Welsh and there is no Welsh version, a box to tick saying they
    will get the English); only the button on this page sends."""
    bulletin = get_for_change(request, Bulletin.objects.all(), code=code)
    if request.method == "GET" or bulletin.is_locked:
        return redirect("bulletins:bulletin_detail", code=bulletin.code)
    user = staff_user(request)
    welsh_waiting = services.welsh_without_welsh(bulletin, user)
    confirming = request.POST.get("confirm") == "yes"
    form = SendForm(request.POST, welsh_waiting=welsh_waiting if confirming else 0)
    if not form.is_valid():
        if confirming:
            return _confirm_page(request, bulletin, form, welsh_waiting)
        return _detail(request, bulletin, send_form=form)
    if not confirming:
        return _confirm_page(request, bulletin, form, welsh_waiting)
    when = form.cleaned_data
    try:
        services.bulletin_send(
            bulletin=bulletin, actor=user, send_at=when.get("send_at") if when["when"] == "later" else None
        )
    except services.SendError as error:
        form.add_error(None, str(error))
        return _confirm_page(request, bulletin, form, welsh_waiting)
    messages.success(
        request,
        _("The bulletin is on its way.") if when["when"] == "now" else _("The bulletin is scheduled."),
    )
    return redirect("bulletins:bulletin_detail", code=bulletin.code)


def _confirm_page(
    request: HttpRequest, bulletin: Bulletin, form: SendForm, welsh_waiting: int
) -> HttpResponse:
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    carried = {
        key: value for key, value in request.POST.items() if key == "when" or key.startswith("send_at")
    }
    return render(
        request,
        "bulletins/send_confirm.html",
        {
            "bulletin": bulletin,
            "form": form,
            "reach": services.audience(bulletin, staff_user(request)).count(),
            "welsh_waiting": welsh_waiting,
            "send_at": data.get("send_at") if data.get("when") == "later" else None,
            "carried": carried,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def bulletin_test(request: HttpRequest, code: UUID) -> HttpResponse:
    """A copy to the signed-in officer, marked [TEST]; not a delivery, and the bulletin stays
    as it is."""
    bulletin = get_for_change(request, Bulletin.objects.all(), code=code)
    if request.method == "POST":
        user = staff_user(request)
        services.bulletin_test_send(bulletin=bulletin, actor=user)
        messages.success(request, _("A test is on its way to %(email)s.") % {"email": user.email})
    return redirect("bulletins:bulletin_detail", code=bulletin.code)


@staff_required
@require_POST
def arm_add(request: HttpRequest, code: UUID) -> HttpResponse:
    bulletin = get_for_change(request, Bulletin.objects.all(), code=code)
    if bulletin.is_locked:
        return HttpResponse(_("This bulletin has been sent: its versions cannot change."), status=409)
    form = ArmForm(request.POST, prefix="arm")
    if form.is_valid():
        if bulletin.arms.filter(name=form.cleaned_data["name"]).exists():
            form.add_error("name", _("Another version already has this name"))
        else:
            arm = form.save(commit=False)
            arm.bulletin = bulletin
            arm.save()
            messages.success(request, _("Version added."))
            return redirect("bulletins:bulletin_detail", code=bulletin.code)
    return render(request, "bulletins/arm_form.html", {"form": form, "bulletin": bulletin}, status=400)


@staff_required
@role_required(Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)
def subscriber_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    query = request.GET.get("q", "").strip().lower()
    subscribers = Subscriber.objects.prefetch_related("regions", "topics")
    if query:
        subscribers = subscribers.filter(email__icontains=query)
    page = Paginator(subscribers, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="bulletins.subscriber",
        object_repr=_("Subscriber list"),
        detail={"q": query, "page": page.number},
        request=request,
    )
    return render(request, "bulletins/subscriber_list.html", {"page": page, "q": query})
