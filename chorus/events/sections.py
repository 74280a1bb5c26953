"""What registration adds to engagement's pages, through ``core.registry.page_section``:
the registration section on the staff activity page and the "Register" link on the public
event page (engagement sits below events, so it cannot link here itself)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.core.dates import date_and_time
from chorus.core.registry import PageSection, page_section
from chorus.engagement.models import Activity
from chorus.events.models import RegistrationSettings
from chorus.events.services import registration_counts


@page_section("activity")
def activity_registration(user: object, subject: object) -> PageSection | None:
    if not isinstance(subject, Activity) or subject.is_broadcast:
        return None
    settings_ = RegistrationSettings.objects.filter(activity=subject).first()
    if settings_ is None:
        return PageSection(
            heading=_("Registration"),
            lines=[],
            empty=_("People cannot register for this activity yet."),
            link_url=reverse("events:registration_settings", kwargs={"code": subject.code}),
            link_text=_("Open registration"),
        )
    counts = registration_counts(settings_)
    state = {
        "open": _("Registration is open."),
        "not_yet": _("Registration opens on %(when)s.") % {"when": date_and_time(settings_.opens_at)}
        if settings_.opens_at
        else "",
        "closed": _("Registration is closed."),
    }[settings_.state()]
    return PageSection(
        heading=_("Registration"),
        lines=[
            state,
            _(
                "%(taken)s of %(capacity)s places taken "
                "(%(pending)s waiting for approval, %(offered)s offered)"
            )
            % {
                "taken": counts.taken,
                "capacity": counts.capacity,
                "pending": counts.pending,
                "offered": counts.offered,
            },
            _("%(waiting)s on the waiting list") % {"waiting": counts.waiting},
        ],
        empty="",
        link_url=reverse("events:registration_list", kwargs={"code": subject.code}),
        link_text=_("Registrations and settings"),
    )


@page_section("public_event")
def public_event_registration(user: object, subject: object) -> PageSection | None:
    if not isinstance(subject, Activity):
        return None
    settings_ = RegistrationSettings.objects.filter(activity=subject).first()
    if settings_ is None or subject.starts_at <= timezone.now():
        return None
    state = settings_.state()
    url = reverse("events:register_details", kwargs={"code": subject.code})
    if state == "open":
        full = registration_counts(settings_).free == 0
        return PageSection(
            heading=_("Register"),
            lines=[_("This event is full. You can join the waiting list.")] if full else [],
            empty=_("Register to get your place, a calendar invitation and reminders."),
            link_url=url,
            link_text=_("Join the waiting list") if full else _("Register for this event"),
            # The joining link goes only to people with a place, and the form asks about adjustments.
            hides=("how_to_join",),
            start=True,
        )
    if state == "not_yet" and settings_.opens_at:
        return PageSection(
            heading=_("Register"),
            lines=[],
            empty=_("Registration opens on %(when)s.") % {"when": date_and_time(settings_.opens_at)},
            link_url=url,
            link_text=_("About registering"),
            hides=("how_to_join",),
        )
    return PageSection(
        heading=_("Register"),
        lines=[],
        empty=_("Registration for this event has closed."),
        link_url=url,
        link_text=_("About registering"),
        hides=("how_to_join",),
    )
