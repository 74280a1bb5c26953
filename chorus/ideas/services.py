"""What people and staff do with ideas: take part, propose, comment, support, follow,
report; moderate, group into themes, merge, respond and close."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from chorus.accounts.models import User
from chorus.analysis.engine import pii
from chorus.core.audit import audit_record
from chorus.core.downloads import absolute_url
from chorus.core.email import email_send_later
from chorus.core.hooks import event_happened, texts_received
from chorus.core.models import AuditAction
from chorus.ideas.forms import ChallengeForm
from chorus.ideas.models import (
    Challenge,
    Comment,
    Follow,
    Idea,
    Moderation,
    ModerationDecision,
    Participant,
    Support,
)

# Words that hold a post for a moderator to read first. Short on purpose: a held post is
# published by a person in minutes, while a long list would hold ordinary words.
ABUSIVE = {
    "bastard",
    "bastards",
    "bitch",
    "bollocks",
    "cunt",
    "cunts",
    "dickhead",
    "fuck",
    "fucking",
    "fucked",
    "idiot",
    "idiots",
    "kill",
    "moron",
    "morons",
    "nazi",
    "retard",
    "retarded",
    "scum",
    "shit",
    "twat",
    "wanker",
}
_WORD = re.compile(r"[a-z']+")


class ClosedError(ValueError):
    pass


def hold_reason(text: str) -> str:
    """Why a post should wait for a moderator, or "" to publish it at once."""
    kinds = pii.kinds(text)
    if kinds:
        return _("It may contain personal data (%(kinds)s).") % {"kinds": ", ".join(kinds)}
    if set(_WORD.findall(text.lower())) & ABUSIVE:
        return _("It may contain abuse.")
    return ""


# Taking part ----------------------------------------------------------------------------


def participant_link_send(*, email: str, next_path: str, language: str) -> Participant:
    """Email a sign-in link; the same email goes whether or not the address has been used."""
    participant, _created = Participant.objects.get_or_create(email=email.strip().lower())
    participant.link_sent_at = timezone.now()
    participant.save(update_fields=["link_sent_at", "updated_at"])
    with translation.override(language):
        url = (
            absolute_url(reverse("ideas:participant_confirm", args=[participant.token]))
            + f"?next={next_path}"
        )
        email_send_later(
            to=[participant.email],
            subject=_("Confirm your email to take part"),
            body=render_to_string(
                "ideas/email/confirm.txt", {"url": url, "service_name": settings.CHORUS_SERVICE_NAME}
            ),
        )
    return participant


def participant_exists(token: str) -> bool:
    """Whether ``token`` is a participant's emailed link (read only: nothing is confirmed)."""
    return Participant.objects.filter(token=token).exists()


def participant_confirm(token: str) -> Participant | None:
    participant = Participant.objects.filter(token=token).first()
    if participant is not None and participant.confirmed_at is None:
        participant.confirmed_at = timezone.now()
        participant.save(update_fields=["confirmed_at", "updated_at"])
    return participant


def _decide(
    *, idea: Idea | None = None, comment: Comment | None = None, action: str, reason: str, actor: User | None
) -> None:
    ModerationDecision.objects.create(
        idea=idea, comment=comment, action=action, reason=reason[:300], actor=actor
    )


def idea_propose(
    *, challenge: Challenge, participant: Participant, title: str, body: str, place: Any = None
) -> Idea:
    if challenge.status() != Challenge.Status.OPEN:
        raise ClosedError(_("This challenge is not taking ideas now."))
    reason = hold_reason(f"{title}\n{body}")
    with transaction.atomic():
        idea = Idea.objects.create(
            challenge=challenge,
            participant=participant,
            title=title,
            body=body,
            place=place,
            moderation=Moderation.HELD if reason else Moderation.PUBLISHED,
            hold_reason=reason,
        )
        if reason:
            _decide(idea=idea, action=Moderation.HELD, reason=reason, actor=None)
        Follow.objects.create(idea=idea, participant=participant)
        texts_received(source="idea", ids=[idea.pk], subject="challenge", target_id=challenge.pk)
        event_happened("idea_posted", idea)
    return idea


def similar(challenge: Challenge, text: str, *, exclude: int | None = None, limit: int = 5) -> list[Idea]:
    """Published ideas in the challenge that read like ``text``, most alike first."""
    text = " ".join(text.split())
    if len(text) < 8:
        return []
    ideas = Idea.objects.filter(
        challenge=challenge, moderation=Moderation.PUBLISHED, merged_into__isnull=True
    )
    if exclude:
        ideas = ideas.exclude(pk=exclude)
    scored = []
    for idea in ideas.only("pk", "code", "title", "body", "support_count")[:2000]:
        score = max(
            fuzz.token_set_ratio(text.lower(), idea.title.lower()),
            0.9 * fuzz.token_set_ratio(text.lower(), f"{idea.title} {idea.body[:300]}".lower()),
        )
        if score >= 60:
            scored.append((score, idea))
    scored.sort(key=lambda pair: -pair[0])
    return [idea for _, idea in scored[:limit]]


def comment_add(*, idea: Idea, participant: Participant, body: str, parent: Comment | None = None) -> Comment:
    if idea.challenge.status() != Challenge.Status.OPEN:
        raise ClosedError(_("This challenge is closed to new comments."))
    if parent is not None and parent.idea_id != idea.pk:
        raise ValueError("A reply must be to a comment on the same idea.")
    reason = hold_reason(body)
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea,
            participant=participant,
            parent=parent,
            body=body,
            moderation=Moderation.HELD if reason else Moderation.PUBLISHED,
            hold_reason=reason,
        )
        if reason:
            _decide(comment=comment, action=Moderation.HELD, reason=reason, actor=None)
    return comment


def support_add(*, idea: Idea, participant: Participant) -> bool:
    """One support per confirmed email per idea. Returns False when it was already there."""
    if idea.challenge.status() != Challenge.Status.OPEN:
        raise ClosedError(_("This challenge is closed: ideas can no longer be supported."))
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, participant=participant)
    except IntegrityError:
        return False
    Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    return True


def follow_add(*, idea: Idea, participant: Participant) -> None:
    Follow.objects.get_or_create(idea=idea, participant=participant)


def report(*, idea: Idea | None = None, comment: Comment | None = None) -> None:
    target = idea or comment
    assert target is not None  # noqa: S101 (callers pass one)
    type(target).objects.filter(pk=target.pk).update(reports=F("reports") + 1)


# Staff ----------------------------------------------------------------------------------


def moderate(*, target: Idea | Comment, action: str, reason: str, actor: User) -> None:
    if action not in (Moderation.PUBLISHED, Moderation.HIDDEN):
        raise ValueError("Moderators publish or hide.")
    with transaction.atomic():
        target.moderation = action
        target.reports = 0
        target.hold_reason = "" if action == Moderation.PUBLISHED else target.hold_reason
        target.save(update_fields=["moderation", "reports", "hold_reason", "updated_at"])
        if isinstance(target, Idea):
            _decide(idea=target, action=action, reason=reason, actor=actor)
        else:
            _decide(comment=target, action=action, reason=reason, actor=actor)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=target,
            detail={"moderation": action, "reason": reason},
        )


def _tell_followers(ideas: Iterable[Idea], template: str, subject: str, extra: dict[str, Any]) -> int:
    told = 0
    for idea in ideas:
        for follow in idea.follows.select_related("participant"):
            body = render_to_string(
                template,
                {
                    "idea": idea,
                    "url": absolute_url(reverse("ideas:idea_detail", args=[idea.code])),
                    "service_name": settings.CHORUS_SERVICE_NAME,
                    **extra,
                },
            )
            email_send_later(
                to=[follow.participant.email], subject=subject % {"title": idea.title}, body=body
            )
            told += 1
    return told


def respond(*, ideas: Sequence[Idea], status: str, response: str, actor: User, impact: Any = None) -> int:
    """An official response to one idea or a theme's ideas; followers are emailed. Returns emails queued."""
    now = timezone.now()
    with transaction.atomic():
        for idea in ideas:
            idea.status = status
            idea.response = response
            idea.responded_at = now
            idea.responded_by = actor
            idea.impact = impact
            idea.save(
                update_fields=["status", "response", "responded_at", "responded_by", "impact", "updated_at"]
            )
            audit_record(actor=actor, action=AuditAction.CHANGE, obj=idea, detail={"status": status})
            event_happened("idea_answered", idea)
        return _tell_followers(
            ideas,
            "ideas/email/response.txt",
            _("An official response to “%(title)s”"),
            {"status": dict(Idea.Status.choices)[status], "response": response},
        )


def merge(*, source: Idea, target: Idea, actor: User) -> None:
    """Fold a near-duplicate into another idea: supports (once per person), comments and
    followers move; the source is hidden with a pointer; its followers are told."""
    if source.pk == target.pk or source.challenge_id != target.challenge_id:
        raise ValueError(_("Choose a different idea in the same challenge."))
    with transaction.atomic():
        already = set(target.supports.values_list("participant_id", flat=True))
        for support in source.supports.all():
            if support.participant_id in already:
                support.delete()
            else:
                support.idea = target
                support.save(update_fields=["idea"])
        source.comments.update(idea=target)
        following = set(target.follows.values_list("participant_id", flat=True))
        movers = list(source.follows.exclude(participant_id__in=following))
        Follow.objects.filter(pk__in=[f.pk for f in movers]).update(idea=target)
        source.follows.all().delete()
        Idea.objects.filter(pk=target.pk).update(support_count=Support.objects.filter(idea=target).count())
        source.merged_into = target
        source.moderation = Moderation.HIDDEN
        source.support_count = 0
        source.save(update_fields=["merged_into", "moderation", "support_count", "updated_at"])
        _decide(
            idea=source,
            action=Moderation.HIDDEN,
            reason=_("Merged into “%(title)s”") % {"title": target.title},
            actor=actor,
        )
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=source, detail={"merged_into": str(target.code)}
        )
        target.refresh_from_db()
        _tell_followers(
            [target],
            "ideas/email/merged.txt",
            _("An idea you follow was merged into “%(title)s”"),
            {"source": source},
        )


@dataclass
class ThemeGroup:
    label: str
    ideas: list[Idea]
    supports: int


def themes(challenge: Challenge) -> tuple[list[ThemeGroup], list[tuple[Idea, Idea, float]]]:
    """The challenge's published ideas grouped by the analysis engine, and near-duplicate pairs."""
    from chorus.analysis.engine import analyse, embedder_for

    ideas = list(
        Idea.objects.filter(
            challenge=challenge, moderation=Moderation.PUBLISHED, merged_into__isnull=True
        ).order_by("pk")
    )
    if len(ideas) < 4:
        return ([ThemeGroup(_("All ideas"), ideas, sum(i.support_count for i in ideas))] if ideas else []), []
    texts = [f"{i.title}. {i.body}" for i in ideas]
    result = analyse(texts, embedder=embedder_for("fast"), min_size=2)
    labels = {t.key: t.label for t in result.fine}
    grouped: dict[str, list[Idea]] = {}
    for idea, item in zip(ideas, result.items, strict=True):
        label = labels.get(item.themes[0][0], "") if item.themes else ""
        grouped.setdefault(label or str(_("Other ideas")), []).append(idea)
    with transaction.atomic():
        for label, members in grouped.items():
            Idea.objects.filter(pk__in=[i.pk for i in members]).update(theme=label[:200])
    groups = sorted(
        (
            ThemeGroup(label, members, sum(i.support_count for i in members))
            for label, members in grouped.items()
        ),
        key=lambda g: -g.supports,
    )
    pairs: list[tuple[Idea, Idea, float]] = []
    vectors = result.vectors
    if vectors is not None:
        similarity = vectors @ vectors.T
        for a in range(len(ideas)):
            for b in range(a + 1, len(ideas)):
                if similarity[a, b] >= 0.85:
                    pairs.append((ideas[a], ideas[b], float(similarity[a, b])))
    pairs.sort(key=lambda p: -p[2])
    return groups, pairs[:50]


def challenge_save(*, form: ChallengeForm, actor: User) -> Challenge:
    """Create or change a challenge from its checked form, with its audit entry."""
    created = form.instance.pk is None
    with transaction.atomic():
        challenge = form.save()
        audit_record(actor=actor, action=AuditAction.CREATE if created else AuditAction.CHANGE, obj=challenge)
    return challenge


def challenge_close(*, challenge: Challenge, summary: str, summary_cy: str, actor: User) -> None:
    """Close the challenge with a published summary, and count it as an engagement activity."""
    from chorus.engagement.models import Activity, ActivityType

    with transaction.atomic():
        challenge.summary, challenge.summary_cy = summary, summary_cy
        challenge.closed_at = challenge.closed_at or timezone.now()
        reach = (
            Participant.objects.filter(ideas__challenge=challenge).distinct().count()
            + Participant.objects.filter(comments__idea__challenge=challenge)
            .exclude(ideas__challenge=challenge)
            .distinct()
            .count()
            + Participant.objects.filter(supports__idea__challenge=challenge)
            .exclude(ideas__challenge=challenge)
            .exclude(comments__idea__challenge=challenge)
            .distinct()
            .count()
        )
        if challenge.activity is None:
            activity = Activity.objects.create(
                kind=ActivityType.IDEAS,
                title=challenge.title,
                title_cy=challenge.title_cy,
                starts_at=challenge.opens_at,
                ends_at=challenge.closed_at,
                summary=summary,
                summary_cy=summary_cy,
                unlisted_attendees=reach,
                team=challenge.team,
                organiser=actor,
                is_public=False,
            )
            activity.topics.set(challenge.topics.all())
            activity.regions.set(challenge.regions.all())
            challenge.activity = activity
        else:
            Activity.objects.filter(pk=challenge.activity.pk).update(
                unlisted_attendees=reach, summary=summary
            )
        challenge.save(update_fields=["summary", "summary_cy", "closed_at", "activity", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=challenge, detail={"closed": True, "reach": reach}
        )


def counts(challenge: Challenge) -> dict[str, int]:
    return counts_for([challenge])[challenge.pk]


def counts_for(challenges: Sequence[Challenge]) -> dict[int, dict[str, int]]:
    """Published ideas, held posts, supports, published comments and people taking part,
    for each challenge: five grouped queries however many challenges there are."""
    ids = [c.pk for c in challenges]
    found: dict[int, dict[str, int]] = {
        pk: {"ideas": 0, "held": 0, "supports": 0, "comments": 0, "people": 0} for pk in ids
    }

    def add(key: str, rows: Any) -> None:
        for pk, n in rows:
            found[pk][key] += n

    ideas = Idea.objects.filter(challenge__in=ids).values_list("challenge")
    add(
        "ideas",
        ideas.filter(moderation=Moderation.PUBLISHED).annotate(n=Count("pk")).values_list("challenge", "n"),
    )
    add(
        "held", ideas.filter(moderation=Moderation.HELD).annotate(n=Count("pk")).values_list("challenge", "n")
    )
    comments = Comment.objects.filter(idea__challenge__in=ids).values_list("idea__challenge")
    add(
        "held",
        comments.filter(moderation=Moderation.HELD)
        .annotate(n=Count("pk"))
        .values_list("idea__challenge", "n"),
    )
    add(
        "comments",
        comments.filter(moderation=Moderation.PUBLISHED)
        .annotate(n=Count("pk"))
        .values_list("idea__challenge", "n"),
    )
    add(
        "supports",
        Support.objects.filter(idea__challenge__in=ids)
        .values_list("idea__challenge")
        .annotate(n=Count("pk"))
        .values_list("idea__challenge", "n"),
    )
    add(
        "people",
        Idea.objects.filter(challenge__in=ids)
        .values_list("challenge")
        .annotate(n=Count("participant", distinct=True))
        .values_list("challenge", "n"),
    )
    return found
