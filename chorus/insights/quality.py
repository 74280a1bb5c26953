"""Data quality: records with missing or inconsistent information, counted over time and
sent to the teams that own them every week, so quality improves where data is entered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.access import visible_to
from chorus.core.dates import long_date
from chorus.core.email import email_send_later

if TYPE_CHECKING:
    from chorus.accounts.models import Team, User


@dataclass(frozen=True)
class Check:
    key: str
    label: Any
    fix: Any  # what to do about it
    records: Callable[[Any], QuerySet[Any]]  # team (or None for every team's) -> records
    describe: Callable[[Any], str]
    url: Callable[[Any], str]
    owned_by_teams: bool = True  # False: shared records (the directory), for everyone


def _activities(team: Any) -> QuerySet[Any]:
    from chorus.engagement.models import BROADCAST_TYPES, Activity, Attendance

    found = Activity.objects.filter(starts_at__lt=timezone.now(), unlisted_attendees=0, recipients=0).exclude(
        kind__in=BROADCAST_TYPES
    )
    found = found.exclude(Exists(Attendance.objects.filter(activity=OuterRef("pk"))))
    return found.filter(team=team) if team is not None else found


def _people(team: Any) -> QuerySet[Any]:
    """Current people; for a team, those its members see (unrestricted, or restricted to it)."""
    from chorus.directory.models import Person

    found = Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    return found.filter(Q(team__isnull=True) | Q(team=team)) if team is not None else found


def _people_without_region(team: Any) -> QuerySet[Any]:
    return _people(team).filter(region__isnull=True)


def _people_without_consent(team: Any) -> QuerySet[Any]:
    from chorus.directory.models import Consent

    return _people(team).exclude(
        Exists(Consent.objects.filter(person=OuterRef("pk"), withdrawn_on__isnull=True))
    )


def _consultations_without_outcome(team: Any) -> QuerySet[Any]:
    from chorus.consultations.models import Consultation
    from chorus.engagement.models import ImpactRecord

    published = ImpactRecord.objects.filter(consultations=OuterRef("pk"), is_published=True)
    found = Consultation.objects.filter(is_published=True, closes_at__lt=timezone.now()).exclude(
        Exists(published)
    )
    return found.filter(team=team) if team is not None else found


CHECKS: dict[str, Check] = {
    c.key: c
    for c in (
        Check(
            "activities_without_attendance",
            _("Past activities with no attendance recorded"),
            _("Record who came, or the number of people not in the directory."),
            _activities,
            lambda a: f"{a.title} ({long_date(a.starts_at)})",
            lambda a: reverse("engagement:activity_detail", args=[a.code]),
        ),
        Check(
            "consultations_without_outcome",
            _("Closed consultations with no published outcome"),
            _("Publish a “you said, we did” record linked to the consultation."),
            _consultations_without_outcome,
            lambda c: f"{c.title} ({long_date(c.closes_at)})",
            lambda c: reverse("consultations:consultation_detail", args=[c.code]),
        ),
        Check(
            "people_without_region",
            _("People with no region"),
            _("Add their region, so that reports by region count them."),
            _people_without_region,
            lambda p: f"{p.first_name} {p.last_name}".strip(),
            lambda p: reverse("directory:person_detail", args=[p.code]),
            owned_by_teams=False,
        ),
        Check(
            "people_without_consent",
            _("People with no recorded consent or lawful basis"),
            _("Record why we may hold and contact them, or remove them."),
            _people_without_consent,
            lambda p: f"{p.first_name} {p.last_name}".strip(),
            lambda p: reverse("directory:person_detail", args=[p.code]),
            owned_by_teams=False,
        ),
    )
}


def records_for(check: Check, *, user: User, team: Team | None = None) -> QuerySet[Any]:
    """The check's records that ``user`` may see: every list shown or downloaded comes from
    here, so a record restricted to another team never appears in it."""
    return visible_to(user, check.records(team))


def may_list_records(user: User) -> bool:
    """Viewers see the counts only: the lists name people, and they could not fix them anyway."""
    return user.can_see_contact_details


def counts(team: Any = None) -> dict[str, int]:
    return {key: check.records(team).count() for key, check in CHECKS.items()}


def snapshot_and_tell() -> int:
    """Record this week's counts (overall and per team) and email each team its list."""
    from chorus.accounts.models import Team
    from chorus.insights.models import QualitySnapshot

    today = timezone.localdate()
    QualitySnapshot.objects.bulk_create(
        [QualitySnapshot(on=today, kind=key, team=None, count=n) for key, n in counts().items()],
        ignore_conflicts=True,
    )
    sent = 0
    for team in Team.objects.all():
        mine = {key: check for key, check in CHECKS.items() if check.owned_by_teams}
        team_counts = {key: check.records(team).count() for key, check in mine.items()}
        QualitySnapshot.objects.bulk_create(
            [QualitySnapshot(on=today, kind=key, team=team, count=n) for key, n in team_counts.items()],
            ignore_conflicts=True,
        )
        if not any(team_counts.values()):
            continue
        sections = [
            {
                "label": mine[key].label,
                "fix": mine[key].fix,
                "count": n,
                "items": [
                    (mine[key].describe(r), settings.CHORUS_BASE_URL + mine[key].url(r))
                    for r in mine[key].records(team)[:20]
                ],
            }
            for key, n in team_counts.items()
            if n
        ]
        recipients = list(
            team.members.filter(is_active=True, role__in=["administrator", "engagement_officer"]).values_list(
                "email", flat=True
            )
        )
        if not recipients:
            continue
        email_send_later(
            to=recipients,
            subject=str(_("Data quality this week: %(team)s")) % {"team": team.name},
            body=render_to_string(
                "insights/email/quality.txt",
                {
                    "team": team,
                    "sections": sections,
                    "url": settings.CHORUS_BASE_URL + reverse("insights:quality") + f"?team={team.code}",
                },
            ),
        )
        sent += 1
    return sent


def history(team: Any = None, weeks: int = 8) -> dict[str, list[tuple[Any, int]]]:
    from chorus.insights.models import QualitySnapshot

    since = timezone.localdate() - timedelta(weeks=weeks)
    out: dict[str, list[tuple[Any, int]]] = {key: [] for key in CHECKS}
    for on, check, n in (
        QualitySnapshot.objects.filter(on__gte=since, team=team)
        .order_by("on")
        .values_list("on", "kind", "count")
    ):
        if check in out:
            out[check].append((on, n))
    return out
