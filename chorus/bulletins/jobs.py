"""Periodic work: start due and stalled sends every minute; draft the weekly partner digest."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.bulletins import services
from chorus.bulletins.models import Bulletin, SubscriberList
from chorus.core.schedule import periodic
from chorus.core.tasks import background

DIGEST_BODY = """{intro}

## {events}

{{{{ events }}}}

## {consultations}

{{{{ consultations }}}}

## {yswd}

{{{{ you_said_we_did }}}}
"""


@periodic(every=timedelta(minutes=1))
@background(queue="email")
def bulletins_resume() -> int:
    return services.bulletins_resume()


@periodic(every=timedelta(days=7))
@background(queue="email")
def partner_digest_draft() -> int:
    """A draft digest for each partner list, for staff to review and send; never sent unreviewed."""
    made = 0
    week = timezone.localdate().isocalendar()
    for partners in SubscriberList.objects.filter(is_partner_digest=True):
        title = _("Partner digest, week %(week)s of %(year)s: %(list)s") % {
            "week": week.week,
            "year": week.year,
            "list": partners.name,
        }
        if Bulletin.objects.filter(kind=Bulletin.Kind.DIGEST, title=title).exists():
            continue
        digest = Bulletin.objects.create(
            kind=Bulletin.Kind.DIGEST,
            title=title,
            subject=_("This week: events, consultations and what changed"),
            body=DIGEST_BODY.format(
                intro=_("Here is this week's summary to share with your members."),
                events=_("Coming up"),
                consultations=_("Have your say"),
                yswd=_("You said, we did"),
            ),
        )
        digest.lists.add(partners)
        made += 1
    return made
