"""The public registration journey: your details, the questions, check your answers,
confirmation; and the registrant's personal page (by a signed link) to accept an offered
place, change their answers or cancel.

What is typed is kept in the session until it is sent; the journey's submission token is
kept with it, so sending the same answers twice (a double click, a reload, a retry)
registers once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chorus.core.i18n import current_welsh_or_english
from chorus.core.ratelimit import HONEYPOT, hit, slow_down
from chorus.directory.models import AdjustmentCategory
from chorus.directory.normalise import normalise_email
from chorus.engagement.models import Activity
from chorus.engagement.selectors import public_events
from chorus.events import services
from chorus.events.checkin_views import checkin_shown
from chorus.events.forms import SHARE_CHOICES, AnswersForm, CancelForm, DetailsForm
from chorus.events.invitations import invited_to
from chorus.events.models import Registration, RegistrationSettings, StandardQuestion

# Registrations sent from one connection in 10 minutes before it is asked to wait.
PER_ADDRESS = 20


def _event(code: UUID, request: HttpRequest | None = None) -> tuple[Activity, RegistrationSettings | None]:
    """The public event, or one this browser was personally invited to (a team's own event)."""
    events = public_events({})
    if request is not None and invited_to(request, code):
        events = Activity.objects.all()
    activity = events.filter(code=code).select_related("place", "registration_settings").first()
    if activity is None:
        raise Http404
    return activity, getattr(activity, "registration_settings", None)


def _draft(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    drafts: dict[str, Any] = request.session.setdefault("event_registrations", {})
    draft: dict[str, Any] = drafts.setdefault(str(activity.code), {})
    return draft


def _save_draft(request: HttpRequest, activity: Activity, draft: dict[str, Any]) -> None:
    request.session["event_registrations"][str(activity.code)] = draft
    request.session.modified = True


def _open_event(request: HttpRequest, code: UUID) -> tuple[Activity, RegistrationSettings] | HttpResponse:
    """The event and its registration settings, or the page to show instead of the journey
    when registration is not open (never a bare 404 or 405)."""
    activity, settings_ = _event(code, request)
    state = settings_.state() if settings_ is not None else "none"
    if settings_ is None or state != "open":
        return render(
            request, "events/register_closed.html", {"event": activity, "settings": settings_, "state": state}
        )
    return activity, settings_


def _full(activity: Activity, settings_: RegistrationSettings) -> bool:
    return services.registration_counts(settings_).free == 0


def _asks_questions(settings_: RegistrationSettings) -> bool:
    return bool(settings_.questions) or settings_.custom_questions.exists()


@require_http_methods(["GET", "POST"])
def register_details(request: HttpRequest, code: UUID) -> HttpResponse:
    found = _open_event(request, code)
    if isinstance(found, HttpResponse):
        return found
    activity, settings_ = found
    draft = _draft(request, activity)
    form = DetailsForm(
        request.POST if request.method == "POST" else None,
        initial=draft.get("details") or draft.get("prefill"),  # filled in from an invitation
    )
    if request.method == "POST" and form.is_valid():
        draft["details"] = {
            "name": form.cleaned_data["name"],
            "email": form.cleaned_data["email"],
            "agree": True,
        }
        draft.setdefault("submission", secrets.token_urlsafe(24))
        _save_draft(request, activity, draft)
        step = "events:register_questions" if _asks_questions(settings_) else "events:register_check"
        return redirect(step, code=activity.code)
    return render(
        request,
        "events/register_details.html",
        {"event": activity, "settings": settings_, "form": form, "full": _full(activity, settings_)},
    )


@require_http_methods(["GET", "POST"])
def register_questions(request: HttpRequest, code: UUID) -> HttpResponse:
    found = _open_event(request, code)
    if isinstance(found, HttpResponse):
        return found
    activity, settings_ = found
    draft = _draft(request, activity)
    if "details" not in draft:
        return redirect("events:register_details", code=activity.code)
    language = current_welsh_or_english()
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        settings_=settings_,
        language=language,
        initial=_answer_initial(draft),
    )
    if request.method == "POST" and form.is_valid():
        draft["answers"] = form.answers()
        draft["adjustments"] = form.cleaned_data.get("adjustments", "").strip()
        draft["adjustment_categories"] = form.cleaned_data.get("adjustment_categories", [])
        draft["adjustments_share"] = form.cleaned_data.get("adjustments_share", [])
        _save_draft(request, activity, draft)
        return redirect("events:register_check", code=activity.code)
    return render(
        request,
        "events/register_questions.html",
        {"event": activity, "form": form, "online": settings_.mode == RegistrationSettings.Mode.ONLINE},
    )


def _answer_initial(draft: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        (name if not name.isdigit() else f"q{name}"): value
        for name, value in draft.get("answers", {}).items()
    }
    initial["adjustments"] = draft.get("adjustments", "")
    initial["adjustment_categories"] = draft.get("adjustment_categories", [])
    initial["adjustments_share"] = draft.get("adjustments_share", [])
    return initial


def answer_rows(
    settings_: RegistrationSettings,
    language: str,
    answers: dict[str, str],
    adjustments: str,
    categories: list[str],
    share: list[str] | None = None,
) -> list[dict[str, str]]:
    """Each question asked with its answer, in the page's language, for "check your answers"
    and the personal page."""
    labels = {
        StandardQuestion.ORGANISATION: _("Organisation"),
        StandardQuestion.ROLE: _("Job title or role"),
        StandardQuestion.DIETARY: _("Dietary needs"),
        StandardQuestion.HEARD: _("How you heard about the event"),
    }
    rows = []
    for key in StandardQuestion.values:
        if key not in settings_.questions:
            continue
        if key == StandardQuestion.ADJUSTMENTS:
            names = [str(AdjustmentCategory(c).label) for c in categories if c in AdjustmentCategory.values]
            text = "\n".join([*names, *([adjustments] if adjustments else [])])
            rows.append({"question": _("What you need to take part"), "answer": text})
            if categories or adjustments:
                chosen = dict(SHARE_CHOICES)
                rows.append(
                    {
                        "question": _("Who we may share what you need with"),
                        "answer": "\n".join(str(chosen[k]) for k in chosen if k in (share or []))
                        or _("No one: kept on your record only"),
                    }
                )
        else:
            rows.append({"question": str(labels[StandardQuestion(key)]), "answer": answers.get(key, "")})
    for question in settings_.custom_questions.all():
        rows.append({"question": question.label_for(language), "answer": answers.get(str(question.pk), "")})
    return rows


@require_http_methods(["GET", "POST"])
def register_check(request: HttpRequest, code: UUID) -> HttpResponse:
    activity, _settings = _event(code, request)
    draft = _draft(request, activity)
    done = request.session.get("event_registered", {}).get(str(activity.code))
    if request.method == "POST" and done and done.get("submission") == request.POST.get("submission"):
        # The same answers sent again (a double click, a retry after a lost reply).
        return redirect("events:register_done", code=activity.code)
    found = _open_event(request, code)
    if isinstance(found, HttpResponse):
        return found
    settings_ = found[1]
    if "details" not in draft:
        return redirect("events:register_details", code=activity.code)
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return redirect("events:register_details", code=activity.code)
        address = getattr(request, "client_address", None) or ""
        if hit("event-register", address, limit=PER_ADDRESS, per=timedelta(minutes=10)):
            return slow_down(
                request,
                heading=_("Too many attempts"),
                paragraphs=[
                    _(
                        "There have been too many registrations from your connection. "
                        "Wait 10 minutes and try again."
                    )
                ],
            )
        try:
            registration, created = services.registration_create(
                activity=activity,
                name=draft["details"]["name"],
                email=draft["details"]["email"],
                language=current_welsh_or_english(),
                answers=draft.get("answers", {}),
                adjustments=draft.get("adjustments", ""),
                adjustment_categories=draft.get("adjustment_categories", []),
                adjustments_share=draft.get("adjustments_share", []),
                submission=request.POST.get("submission") or draft.get("submission"),
            )
        except services.RegistrationRefused:
            return render(
                request,
                "events/register_closed.html",
                {"event": activity, "settings": settings_, "state": "closed"},
            )
        except IntegrityError:
            # The same answers sent twice at once (a double click): the other request
            # registered them a moment before. Read now, outside the failed transaction, the
            # registration is there; this browser is shown it, as the other request shows it.
            other = Registration.objects.filter(
                activity=activity,
                email_normalised=normalise_email(draft["details"]["email"]),
                status__in=Registration.ACTIVE,
            ).first()
            if other is None:
                raise
            registration, created = other, True
        registered = request.session.setdefault("event_registered", {})
        registered[str(activity.code)] = {
            "registration": str(registration.code),
            "submission": draft.get("submission", ""),
            "new": created,
        }
        request.session["event_registrations"].pop(str(activity.code), None)
        request.session.modified = True
        return redirect("events:register_done", code=activity.code)
    language = current_welsh_or_english()
    return render(
        request,
        "events/register_check.html",
        {
            "event": activity,
            "details": draft["details"],
            "rows": answer_rows(
                settings_,
                language,
                draft.get("answers", {}),
                draft.get("adjustments", ""),
                draft.get("adjustment_categories", []),
                draft.get("adjustments_share", []),
            ),
            "asks_questions": _asks_questions(settings_),
            "full": _full(activity, settings_),
            "submission": draft.get("submission", ""),
            "honeypot": HONEYPOT,
        },
    )


@require_GET
def register_done(request: HttpRequest, code: UUID) -> HttpResponse:
    activity, _settings = _event(code, request)
    done = request.session.get("event_registered", {}).get(str(activity.code))
    registration = (
        Registration.objects.filter(code=done["registration"], activity=activity).first() if done else None
    )
    if registration is None:
        return redirect("events:register_details", code=activity.code)
    return render(
        request,
        "events/register_done.html",
        {"event": activity, "registration": registration, "new": done.get("new", True) if done else True},
    )


# The personal page ----------------------------------------------------------------------


def _by_token(request: HttpRequest, token: str) -> Registration | HttpResponse:
    registration = services.registration_from_token(token)
    if registration is None:
        return render(request, "events/link_not_working.html", status=404)
    return registration


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    found = _by_token(request, token)
    if isinstance(found, HttpResponse):
        return found
    registration = found
    settings_ = registration.activity.registration_settings
    if request.method == "POST" and request.POST.get("action") == "accept":
        if services.registration_accept_offer(registration=registration):
            registration.refresh_from_db()
            messages.success(
                request,
                _("You have accepted the place. The team will check your registration and email you.")
                if registration.status == Registration.Status.PENDING
                else _("You have accepted the place. Your place is confirmed."),
            )
        else:
            messages.error(request, _("That place is no longer available: the time to accept it has passed."))
        return redirect("events:manage", token=token)
    language = current_welsh_or_english()
    return render(
        request,
        "events/manage.html",
        {
            "registration": registration,
            "event": registration.activity,
            "settings": settings_,
            "token": token,
            "online": settings_.mode == RegistrationSettings.Mode.ONLINE,
            "rows": answer_rows(
                settings_,
                language,
                registration.answers,
                registration.adjustments,
                registration.adjustment_categories,
                registration.adjustments_share,
            ),
            "started": registration.activity.starts_at <= timezone.now(),
            **checkin_shown(registration),
        },
    )


@require_http_methods(["GET", "POST"])
def manage_change(request: HttpRequest, token: str) -> HttpResponse:
    found = _by_token(request, token)
    if isinstance(found, HttpResponse):
        return found
    registration = found
    if not registration.is_active or registration.activity.starts_at <= timezone.now():
        return redirect("events:manage", token=token)
    settings_ = registration.activity.registration_settings
    initial = _answer_initial(
        {
            "answers": registration.answers,
            "adjustments": registration.adjustments,
            "adjustment_categories": registration.adjustment_categories,
            "adjustments_share": registration.adjustments_share,
        }
    )
    initial["name"] = registration.name
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        settings_=settings_,
        language=current_welsh_or_english(),
        with_name=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        services.registration_update_answers(
            registration=registration,
            name=form.cleaned_data["name"],
            answers=form.answers(),
            adjustments=form.cleaned_data.get("adjustments", ""),
            adjustment_categories=form.cleaned_data.get("adjustment_categories", []),
            adjustments_share=form.cleaned_data.get("adjustments_share", []),
        )
        return redirect(reverse("events:manage", kwargs={"token": token}) + "?changed=1")
    return render(
        request,
        "events/manage_change.html",
        {"registration": registration, "event": registration.activity, "form": form, "token": token},
    )


@require_http_methods(["GET", "POST"])
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    found = _by_token(request, token)
    if isinstance(found, HttpResponse):
        return found
    registration = found
    if not registration.is_active or registration.activity.starts_at <= timezone.now():
        return redirect("events:manage", token=token)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"]:
            was = registration.status
            if services.registration_cancel(registration=registration):
                messages.success(request, _cancelled_message(was))
        return redirect("events:manage", token=token)
    return render(
        request,
        "events/manage_cancel.html",
        {"registration": registration, "event": registration.activity, "form": form, "token": token},
    )


def _cancelled_message(was: str) -> str:
    """What the banner says once someone has given up a place, an offer or their place on
    the waiting list."""
    if was == Registration.Status.OFFERED:
        return _("You have turned down the place. It will be offered to the next person waiting.")
    if was == Registration.Status.WAITING:
        return _("You have left the waiting list.")
    return _("Your registration is cancelled. We have sent you an email to confirm it.")
