"""What a subscriber receives: content blocks filled in, Markdown made safe HTML, and
the email with tracked links and the unsubscribe header."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.accounts.models import User
from chorus.bulletins.forms import BulletinForm
from chorus.bulletins.models import Arm, Bulletin, Delivery, Link, Subscriber
from chorus.bulletins.services.markdown import markdown_html, markdown_text
from chorus.core.audit import audit_record
from chorus.core.dates import long_date
from chorus.core.downloads import absolute_url
from chorus.core.models import AuditAction

BLOCKS = ("{{ events }}", "{{ consultations }}", "{{ you_said_we_did }}")
_LINK = re.compile(r'href="(https?://[^"]+)"')


def blocks_fill(markdown: str, language: str = "en") -> str:
    """Replace the content blocks with what Chorus holds now."""
    if not any(b in markdown for b in BLOCKS):
        return markdown
    from chorus.consultations.models import Consultation
    from chorus.engagement.models import Activity, ImpactRecord

    now = timezone.now()
    lines: dict[str, list[str]] = {b: [] for b in BLOCKS}
    with translation.override(language):
        for event in Activity.objects.filter(is_public=True, starts_at__gte=now).order_by("starts_at")[:5]:
            url = absolute_url(reverse("engagement:public_event", args=[event.code]))
            lines["{{ events }}"].append(
                f"- [{event.title_for(language)}]({url}), {long_date(event.starts_at)}"
            )
        # Only what the public pages show: a consultation kept to a team, or not published,
        # has no public page to link to.
        for consultation in (
            Consultation.objects.public()
            .filter(opens_at__lte=now, closes_at__gt=now)
            .order_by("closes_at")[:5]
        ):
            url = absolute_url(reverse("consultations:public_consultation", args=[consultation.code]))
            closes = long_date(consultation.closes_at)
            lines["{{ consultations }}"].append(
                f"- [{consultation.title_for(language)}]({url}): " + _("closes %(date)s") % {"date": closes}
            )
        for record in ImpactRecord.objects.filter(is_published=True).order_by("-published_at")[:3]:
            lines["{{ you_said_we_did }}"].append(
                f"- **{_('You said')}:** {record.you_said_for(language)}\n"
                f"  **{_('We did')}:** {record.we_did_for(language)}"
            )
        empty = {
            "{{ events }}": _("No events are planned just now."),
            "{{ consultations }}": _("No consultations are open just now."),
            "{{ you_said_we_did }}": _("Nothing new this time."),
        }
    for block, found in lines.items():
        filled = "\n".join(found) if found else empty[block]
        pieces = markdown.split(block)
        markdown = pieces[0]
        for after in pieces[1:]:
            markdown = _block_put(markdown, filled, after)
    return markdown


def _block_put(before: str, filled: str, after: str) -> str:
    """``filled`` between ``before`` and ``after``, as a block of its own.

    A list the officer wrote just before or after the block would run on into the block's
    list (Markdown joins lists with the same bullet, even across a blank line), so the
    block's list takes a bullet neither of them uses."""
    bullet = _bullet_unused(before.rstrip().rpartition("\n")[2], after.lstrip().partition("\n")[0])
    filled = "\n".join(
        f"{bullet}{line[1:]}" if line.startswith("- ") else line for line in filled.split("\n")
    )
    return "\n\n".join(part for part in (before.rstrip(), filled, after.lstrip()) if part)


def _bullet_unused(*neighbours: str) -> str:
    used = {line.lstrip()[:1] for line in neighbours if line.lstrip()[:2] in ("- ", "* ", "+ ")}
    return next(b for b in "-*+" if b not in used)


def _content(bulletin: Bulletin, subscriber: Subscriber, arm: Arm | None) -> tuple[str, str]:
    welsh = subscriber.language == "cy"
    subject = (arm.subject if arm else "") or (
        bulletin.subject_cy if welsh and bulletin.subject_cy else bulletin.subject
    )
    body = (arm.body if arm and arm.body else "") or (
        bulletin.body_cy if welsh and bulletin.body_cy else bulletin.body
    )
    return subject, body


def preview(bulletin: Bulletin, subscriber: Subscriber) -> tuple[str, str]:
    """(subject, message HTML) as this subscriber would see them, with content blocks filled in."""
    subject, body = _content(bulletin, subscriber, None)
    if not bulletin.is_locked:
        body = blocks_fill(body, subscriber.language)
    return subject, markdown_html(body)


def message_for(
    bulletin: Bulletin,
    subscriber: Subscriber,
    *,
    delivery: Delivery | None = None,
    links: dict[str, int] | None = None,
    rendered: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The email one subscriber gets, with tracked links and the unsubscribe header."""
    arm = delivery.arm if delivery else None
    subject, body = _content(bulletin, subscriber, arm)
    with translation.override(subscriber.language):
        manage = absolute_url(reverse("bulletins:manage", args=[subscriber.token]))
        unsubscribe_url = absolute_url(reverse("bulletins:unsubscribe", args=[subscriber.token]))
    # Markdown is rendered once per version and language; only the links differ per recipient.
    if rendered is None:
        html, text = markdown_html(body), markdown_text(body)
    else:
        html = rendered.get(body) or rendered.setdefault(body, markdown_html(body))
        text = rendered.get(f"text:{body}") or rendered.setdefault(f"text:{body}", markdown_text(body))
    if delivery is not None and links is not None:
        token = delivery.token

        def tracked(match: re.Match[str]) -> str:
            number = links.get(match.group(1).replace("&amp;", "&"))
            if number is None:
                return match.group(0)
            return f'href="{absolute_url(reverse("bulletins_tracking:click", args=[token, number]))}"'

        html = _LINK.sub(tracked, html)
    with translation.override(subscriber.language):
        context = {
            "bulletin": bulletin,
            "subject": subject,
            "html": html,
            "text": text,
            "manage_url": manage,
            "unsubscribe_url": unsubscribe_url,
            # Told about one change without subscribing: the footer must not say they subscribed.
            "told_only": subscriber.status == Subscriber.Status.SHARE_BACK,
            "service_name": settings.CHORUS_SERVICE_NAME,
            "organisation_name": settings.CHORUS_ORGANISATION_NAME,
            "open_url": absolute_url(reverse("bulletins_tracking:opened", args=[delivery.token]))
            if delivery is not None and bulletin.outcome == Bulletin.Outcome.OPEN
            else "",
        }
        text = render_to_string("bulletins/email/bulletin.txt", context)
        page = render_to_string("bulletins/email/bulletin.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.CHORUS_BULLETIN_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Chorus-Delivery": delivery.token if delivery else "preview",
        },
    )
    message.attach_alternative(page, "text/html")
    return message


def links_register(bulletin: Bulletin) -> dict[str, int]:
    found: list[str] = []
    for text in [bulletin.body, bulletin.body_cy, *bulletin.arms.values_list("body", flat=True)]:
        for url in _LINK.findall(markdown_html(text or "")):
            url = url.replace("&amp;", "&")
            if url not in found:
                found.append(url)
    for number, url in enumerate(found, start=1):
        Link.objects.get_or_create(bulletin=bulletin, number=number, defaults={"url": url})
    return dict(Link.objects.filter(bulletin=bulletin).values_list("url", "number"))


def bulletin_save(*, form: BulletinForm, actor: User) -> Bulletin:
    """Create or change a draft bulletin from its checked form, with its audit entry."""
    created = form.instance.pk is None
    with transaction.atomic():
        bulletin = form.save()
        detail = {}
        if (
            bulletin.status == Bulletin.Status.SCHEDULED
            and bulletin.reviewed_by_id != actor.pk
            and bulletin.saved_searches.exists()
        ):
            # Its saved searches find people, when it goes, with the access of whoever sent
            # it (``audience``): whoever changes it while it waits now sends it, so a search
            # they added never reaches people only the scheduler may see.
            bulletin.reviewed_by = actor
            bulletin.save(update_fields=["reviewed_by", "updated_at"])
            detail = {"sent by": actor.full_name}
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.CHANGE,
            obj=bulletin,
            detail=detail,
        )
    return bulletin
