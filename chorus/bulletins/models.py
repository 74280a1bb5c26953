"""Email bulletins: subscribers by region and topic, bulletins and their audience, one
``Delivery`` per recipient (the record that makes each send happen once), trials with
arms, and tracked links.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chorus.core.imports.models import StagedImport
from chorus.core.models import CodedModel, TimeStampedModel
from chorus.directory.models import LawfulBasis


def _token() -> str:
    return secrets.token_urlsafe(24)


class Subscriber(CodedModel):
    """Someone who gets bulletins. ``token`` is the secret in their manage and unsubscribe links."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Address bounced")
        COMPLAINED = "complained", _("Marked as spam")
        # Told what changed after taking part ("you said, we did"), never subscribed: gets
        # share-backs but is in no bulletin's audience (``audience_for`` takes only "active").
        SHARE_BACK = "share_back", _("Not subscribed: told what changed")

    class Source(models.TextChoices):
        SIGN_UP = "sign_up", _("Sign-up page")
        IMPORT = "import", _("Imported by staff")
        STAFF = "staff", _("Added by staff")
        SHARE_BACK = "share_back", _("Took part, and was told what changed")

    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(_("language"), max_length=2, default="en")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    regions = models.ManyToManyField("directory.Region", verbose_name=_("regions"), blank=True)
    topics = models.ManyToManyField("directory.Topic", verbose_name=_("topics"), blank=True)
    lists: models.ManyToManyField[SubscriberList, Any] = models.ManyToManyField(
        "SubscriberList", verbose_name=_("lists"), blank=True, related_name="members"
    )
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions"
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.SIGN_UP)
    source_detail = models.CharField(_("where it came from"), max_length=200, blank=True)
    lawful_basis = models.CharField(
        _("lawful basis"), max_length=30, choices=LawfulBasis.choices, default=LawfulBasis.CONSENT
    )
    consented_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    stopped_reason = models.CharField(max_length=200, blank=True)

    audit_views = True

    class Meta:
        ordering = ["email"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.email

    def can_receive(self, share_back: bool = False) -> bool:
        """Whether a delivery already written to them may go: a share-back also reaches people
        who are told without subscribing, and people whose sign-up is waiting for its
        confirmation (they took part); an address that stopped gets nothing."""
        if share_back:
            return self.status in (self.Status.ACTIVE, self.Status.SHARE_BACK, self.Status.PENDING)
        return self.status in (self.Status.ACTIVE, self.Status.SHARE_BACK)


class SubscriberList(CodedModel):
    """A named list (such as "Partner organisations") that staff send to as an audience."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_partner_digest = models.BooleanField(_("gets the weekly partner digest"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubscriberImport(StagedImport):
    """A file of subscribers, checked row by row, imported once on the lawful basis and
    from the source the person importing recorded. Only they (and administrators) see it."""

    headers = models.JSONField(default=list)
    # [{"line": 2, "row": [...], "errors": [...], "email": ..., "language": "en",
    #   "regions": [pk], "topics": [pk], "lists": [pk], "match": {"status": ...} | null}]
    rows = models.JSONField(default=list)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    source_detail = models.CharField(max_length=200)
    into = models.ForeignKey(
        SubscriberList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)


class Bulletin(CodedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    class Kind(models.TextChoices):
        BULLETIN = "bulletin", _("Bulletin")
        DIGEST = "digest", _("Weekly partner digest")
        SHARE_BACK = "share_back", _("“You said, we did” share-back")

    class Outcome(models.TextChoices):
        CLICK = "click", _("Clicked a link")
        OPEN = "open", _("Opened (where the recipient's email allows it)")
        RESPONSE = "response", _("Responded to the linked consultation")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.BULLETIN)
    title = models.CharField(_("internal title"), max_length=200)
    subject = models.CharField(_("subject line"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Markdown"))
    subject_cy = models.CharField(_("subject line in Welsh"), max_length=200, blank=True)
    body_cy = models.TextField(_("message in Welsh"), blank=True)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    regions = models.ManyToManyField("directory.Region", verbose_name=_("regions"), blank=True)
    topics = models.ManyToManyField("directory.Topic", verbose_name=_("topics"), blank=True)
    groups = models.ManyToManyField(
        "directory.StakeholderGroup", verbose_name=_("stakeholder groups"), blank=True
    )
    lists = models.ManyToManyField(SubscriberList, verbose_name=_("lists"), blank=True)
    # Saved searches of the directory: the subscribers among the people each finds when the
    # audience is counted or sent, with the access of the officer who sends it.
    saved_searches = models.ManyToManyField(
        "directory.SavedSearch",
        verbose_name=_("saved searches of the directory"),
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_trial = models.BooleanField(_("send as a randomised trial"), default=False)
    outcome = models.CharField(_("outcome measured"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation whose responses count"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    activity = models.OneToOneField(
        "engagement.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="bulletin"
    )
    # A share-back: this "you said, we did" record, emailed to the people who took part.
    impact = models.ForeignKey(
        "engagement.ImpactRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="sharebacks"
    )
    recipients = models.PositiveIntegerField(default=0)

    team_path = "team"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        """Once sending starts, the audience, content, arms and outcome cannot change."""
        return self.status in (self.Status.SENDING, self.Status.SENT)

    def delivery_counts(self) -> dict[str, int]:
        """How many deliveries are in each status (every status present, zero if none)."""
        counts = dict.fromkeys(Delivery.Status.values, 0)
        for status, n in self.deliveries.values_list("status").order_by().annotate(n=models.Count("pk")):
            counts[status] = n
        return counts


class Arm(models.Model):
    """One version of a trial bulletin, sent to ``weight`` parts of the audience."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="arms")
    name = models.CharField(_("name"), max_length=50)
    subject = models.CharField(_("subject line"), max_length=200)
    body = models.TextField(
        _("message"), blank=True, help_text=_("Leave empty to use the bulletin's message")
    )
    weight = models.PositiveSmallIntegerField(_("share"), default=1)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "name"], name="arm_name_once")]

    def __str__(self) -> str:
        return self.name


class Delivery(TimeStampedModel):
    """One recipient of one bulletin. The unique pair makes the audience once; ``status``
    moves queued → sending → sent (or failed); a row left in "sending" after a crash is
    never sent again (it becomes "unknown" for staff to check)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent: address stopped")
        UNKNOWN = "unknown", _("Unknown: the sender stopped mid-send")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    arm = models.ForeignKey(Arm, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    token = models.CharField(max_length=64, unique=True, default=_token)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "subscriber"], name="delivery_once_per_subscriber")
        ]
        indexes = [models.Index(fields=["bulletin", "status"])]


class Link(models.Model):
    """A link in a bulletin, rewritten through Chorus so clicks can be counted."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=1000)
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bulletin", "number"], name="link_number_once")]

    def __str__(self) -> str:
        return self.url


class Click(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="clicks")
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.link_id} at {self.at}"


class AddressEvent(TimeStampedModel):
    """A bounce or complaint reported for an address, and what it did."""

    class Kind(models.TextChoices):
        BOUNCE = "bounce", _("Bounce")
        COMPLAINT = "complaint", _("Complaint")

    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=50, blank=True)

    class Meta:
        indexes = [models.Index(fields=["email"])]
        constraints = [models.CheckConstraint(condition=~Q(email=""), name="address_event_has_email")]


@receiver(pre_delete, sender="directory.SavedSearch")
def _saved_search_kept_while_a_bulletin_waits(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Refuse to delete a saved search that a bulletin not yet sent reaches people through
    (whichever way the search goes: its page, the admin, its team deleted). Taken out of a
    bulletin whose audience was only that search, the bulletin would have no audience
    chosen, which means every active subscriber."""
    waiting = Bulletin.objects.filter(
        saved_searches=instance, status__in=[Bulletin.Status.DRAFT, Bulletin.Status.SCHEDULED]
    )
    if waiting.exists():
        # Not named: the bulletin may be one of a team the person deleting cannot see.
        raise models.ProtectedError(
            gettext(
                "This saved search is in the audience of a bulletin not yet sent. Take it out "
                "of the bulletin's audience first, so the bulletin does not go to every subscriber."
            ),
            set(waiting),
        )
