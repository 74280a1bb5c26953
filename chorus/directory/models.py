"""The stakeholder directory: organisations, people, groups, regions and topics."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.imports.models import FileImport
from chorus.core.models import CodedModel, TimeStampedModel


class Region(models.Model):
    """UK nations and English regions: reference data, seeded by migration."""

    class Kind(models.TextChoices):
        NATION = "nation", _("Nation")
        ENGLISH_REGION = "english_region", _("English region")

    ons_code = models.CharField(max_length=9, unique=True)
    name_en = models.CharField(max_length=100)
    name_cy = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["kind", "name_en"]

    def __str__(self) -> str:
        return self.name_en

    def name_for(self, language: str) -> str:
        return self.name_cy if language == "cy" else self.name_en


class Topic(models.Model):
    name_en = models.CharField(_("name in English"), max_length=100, unique=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=100)

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en


class StakeholderGroup(CodedModel):
    """A group of stakeholders, nested (legal professionals > family law practitioners).

    A standing panel (residents' panel, youth council) is a group whose
    memberships have start and end dates.
    """

    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    is_panel = models.BooleanField(_("standing panel"), default=False)
    # For a panel: the share of members each region should have, to match the
    # population it represents, as {ONS region code: percent}.
    target_by_region = models.JSONField(_("target make-up by region"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="group_name_unique_within_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class DirectoryRecord(CodedModel):
    """What organisations and people both have: who looks after the relationship, the team
    the record may be restricted to, and the id another system knows it by."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("restricted to team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True, db_index=True)
    # Values of the fields administrators add (``chorus.core.custom_fields``), by key.
    custom = models.JSONField(_("added fields"), default=dict, blank=True)

    team_path = "team"

    class Meta:
        abstract = True


class OrganisationKind(models.TextChoices):
    PUBLIC_BODY = "public_body", _("Public body")
    CHARITY = "charity", _("Charity or voluntary organisation")
    ADVICE = "advice", _("Advice agency")
    LAW_FIRM = "law_firm", _("Law firm or chambers")
    PROFESSIONAL_BODY = "professional_body", _("Professional body")
    ACADEMIC = "academic", _("University or research body")
    MEDIA = "media", _("Media")
    PARLIAMENT = "parliament", _("Parliament or assembly")
    BUSINESS = "business", _("Business")
    COMMUNITY = "community", _("Community group")
    OTHER = "other", _("Other")


class Organisation(DirectoryRecord):
    name = models.CharField(_("name"), max_length=200)
    other_names = models.TextField(_("other names"), blank=True, help_text=_("One per line"))
    kind = models.CharField(
        _("type"), max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    groups = models.ManyToManyField(StakeholderGroup, verbose_name=_("stakeholder groups"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def other_name_list(self) -> list[str]:
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")


class Person(DirectoryRecord):
    """Someone Chorus engages with. Viewing one is a view of personal data."""

    title = models.CharField(_("title"), max_length=30, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    other_names = models.TextField(
        _("other names"), blank=True, help_text=_("Previous or alternative names, one per line")
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL
    )
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    communication_needs = models.TextField(_("communication needs"), blank=True)
    reasonable_adjustments = models.TextField(_("reasonable adjustments"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics of interest"), blank=True)
    # Set when a merge folded this record into another; such records are hidden.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    erased_at = models.DateTimeField(null=True, blank=True)
    # When they first came to an activity: derived from attendance by
    # ``directory.services.people_first_attended_refresh`` whenever attendance, an activity's
    # date or a merge changes it, and for everyone daily. The engagement report counts
    # first-timers across all activities from it instead of reading all attendance history.
    first_attended_at = models.DateTimeField(null=True, blank=True, editable=False)

    audit_views = True

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["merged_into"]),
            models.Index(fields=["first_attended_at"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``first_attended_at`` is written only by ``people_first_attended_refresh``'s UPDATE: a
        # record read before that ran (an edit form, a merge) must not write its old value back.
        # Fields left unloaded (``.only()``) stay unwritten, as in a plain save.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            skipped = self.get_deferred_fields() | {"first_attended_at"}
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in skipped
            ]
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        if self.erased_at:
            return str(_("Erased person"))
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def other_name_list(self) -> list[str]:
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]


class ContactPoint(TimeStampedModel):
    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=254)
    # Normalised form: lower-cased email, or phone digits in +44 form.
    normalised = models.CharField(max_length=254, db_index=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "normalised"], name="contact_unique_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.value


class Membership(TimeStampedModel):
    """A person's place in an organisation."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=150, blank=True)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_ends_after_start",
            ),
        ]
        # The engagement report finds the organisations of the people who came from this alone.
        indexes = [models.Index(fields=["person", "organisation"], name="membership_person_org_idx")]

    def __str__(self) -> str:
        return f"{self.person} at {self.organisation}"


class GroupMembership(TimeStampedModel):
    """A person in a stakeholder group or on a standing panel, with dates for panels."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_memberships")
    group = models.ForeignKey(StakeholderGroup, on_delete=models.CASCADE, related_name="memberships")
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "group", "start"], name="group_membership_unique"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="group_membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.group}"

    def is_current(self, on: object = None) -> bool:
        today = timezone.localdate()
        return (self.start is None or self.start <= today) and (self.end is None or self.end >= today)


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    PUBLIC_TASK = "public_task", _("Public task")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    CONTRACT = "contract", _("Contract")


class Consent(TimeStampedModel):
    """Why Chorus may hold and contact a person, with when and where that came from."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=200)
    lawful_basis = models.CharField(_("lawful basis"), max_length=30, choices=LawfulBasis.choices)
    given_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=200, help_text=_("For example, the event sign-up form"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.get_lawful_basis_display()})"


class Assessment(TimeStampedModel):
    """Influence, interest and relationship health, for a project or overall."""

    class Health(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Poor")

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="assessments"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="assessments"
    )
    # The engagement issue adds projects; until then assessments are overall.
    project_code = models.UUIDField(null=True, blank=True)
    influence = models.PositiveSmallIntegerField(
        _("influence"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    interest = models.PositiveSmallIntegerField(
        _("interest"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    health = models.CharField(_("relationship health"), max_length=10, choices=Health.choices, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(organisation__isnull=True))
                | (Q(person__isnull=True) & Q(organisation__isnull=False)),
                name="assessment_of_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(influence__gte=1, influence__lte=5), name="assessment_influence_1_5"
            ),
            models.CheckConstraint(
                condition=Q(interest__gte=1, interest__lte=5), name="assessment_interest_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"influence {self.influence}, interest {self.interest}"


class Note(TimeStampedModel):
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class SearchToken(models.Model):
    """Inverted index for typo-tolerant directory search: one row per distinct word of a person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=60)

    class Meta:
        db_table = "directory_searchtoken"
        indexes = [models.Index(fields=["token", "person"])]
        constraints = [models.UniqueConstraint(fields=["person", "token"], name="search_token_unique")]

    def __str__(self) -> str:
        return self.token


class DuplicateCandidate(TimeStampedModel):
    """Two people the linkage model thinks may be the same, waiting for a person to decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        MERGED = "merged", _("Merged")
        NOT_SAME = "not_same", _("Not the same person")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    # For each field compared: how far the two records agreed ("exact", "nickname", "missing", ...).
    agreement = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["-match_probability"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.match_probability:.2f})"


class MergeRecord(TimeStampedModel):
    """One merge: what moved from the duplicate to the survivor, so that it can be undone."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges_kept")
    duplicate = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges_folded")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"app_label.model": {"field": "person", "ids": [..]}} for every row moved.
    moved = models.JSONField(default=dict)
    # Survivor fields filled from the duplicate: {"field": previous value}.
    filled = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.duplicate_id} into {self.survivor_id}"


class ImportJob(FileImport):
    """One spreadsheet of people, or of organisations, being brought into the directory."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("People")
        ORGANISATIONS = "organisations", _("Organisations")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PEOPLE)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(_("where the list came from"), max_length=200, blank=True)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices, blank=True)

    team_path = "team"


class SubjectAccessRequest(CodedModel):
    """A request for everything Chorus holds on one person, answered with a ZIP file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    person_label = models.CharField(max_length=200)
    reference = models.CharField(_("request reference"), max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="subject-access/", blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Subject access request for {self.person_label}"


class SavedSearch(CodedModel):
    """A directory search kept by name: its filters, never its people.

    Whoever uses it (to open, export, send a bulletin to or invite) gets the people its
    filters find at that moment, among the people they may see (``saved_searches.py``).
    ``filters`` holds the directory filter form's own fields as the address carries them,
    ``{"region": ["7"], "q": ["advice"]}``; only fields the form has are kept, so a filter
    added to the form later is kept the same way. With no team, everyone may use it.
    """

    name = models.CharField(_("name"), max_length=150)
    filters = models.JSONField(_("filters"), default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A team's own search goes with the team rather than becoming everyone's.
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("shared with"), null=True, blank=True, on_delete=models.CASCADE
    )

    team_path = "team"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "owner",
                name="saved_search_name_unique_per_owner",
                violation_error_message=_(
                    "You already have a saved search with this name. Choose another name"
                ),
            ),
        ]

    def changeable_by(self, user: Any) -> bool:
        """A search is its maker's: others use it, only the maker or an administrator
        renames, re-shares or deletes it (a colleague could otherwise take it from them)."""
        return bool(user.is_administrator or user.pk == self.owner_id)

    def __str__(self) -> str:
        return self.name


class Place(CodedModel):
    """A venue or location, with the other names people write it as, so that free-text
    place names from imports and sign-up forms resolve to one place."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    other_names = models.TextField(_("other names"), blank=True, help_text=_("One per line"))
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    quiet_room = models.BooleanField(_("quiet room"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessible_parking = models.BooleanField(_("accessible parking"), default=False)
    accessible_seating = models.BooleanField(_("accessible seating"), default=False)
    bsl_bookable = models.BooleanField(_("British Sign Language interpreter can be booked"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def other_name_list(self) -> list[str]:
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]


class AdjustmentCategory(models.TextChoices):
    BSL_INTERPRETER = "bsl_interpreter", _("British Sign Language interpreter")
    OTHER_INTERPRETER = "other_interpreter", _("Another interpreter")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    STEP_FREE = "step_free", _("Step-free access")
    SEATING = "seating", _("Seating")
    FORMATS = "formats", _("Large print or other formats")
    EASY_READ = "easy_read", _("Easy read")
    WELSH = "welsh", _("Welsh language")
    QUIET_SPACE = "quiet_space", _("A quiet space or breaks")
    COMPANION = "companion", _("A companion or carer")
    EXTRA_TIME = "extra_time", _("Extra time")
    OTHER = "other", _("Something else")


class AdjustmentsRecord(TimeStampedModel):
    """A person's reasonable adjustments: what they need (``Adjustment`` rows), who they
    agreed may see it, when to review it, and who recorded it from where. Special-ish
    personal data: every view and change is audited against the person."""

    class Source(models.TextChoices):
        REGISTRATION = "registration", _("Event registration")
        HELP_REQUEST = "help_request", _("Request for help to respond")
        STAFF = "staff", _("Staff")
        PERSON = "person", _("The person themselves")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="adjustments_record")
    share_event_team = models.BooleanField(_("may be shared with the event team"), default=False)
    share_venue = models.BooleanField(_("may be shared with the venue"), default=False)
    share_other_services = models.BooleanField(
        _("may be shared with other services of the organisation"), default=False
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_via = models.CharField(_("recorded from"), max_length=20, choices=Source.choices)

    team_path = "person__team"

    class Meta:
        verbose_name = _("reasonable adjustments")
        verbose_name_plural = _("reasonable adjustments")

    def __str__(self) -> str:
        return f"Reasonable adjustments of {self.person}"


class Adjustment(models.Model):
    """One need of a person's adjustments record, with the details they gave."""

    record = models.ForeignKey(AdjustmentsRecord, on_delete=models.CASCADE, related_name="needs")
    category = models.CharField(_("need"), max_length=30, choices=AdjustmentCategory.choices)
    details = models.TextField(_("details"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "category"], name="adjustment_once_per_record"),
            models.CheckConstraint(
                condition=~Q(category="other") | ~Q(details=""), name="adjustment_other_has_details"
            ),
        ]

    def __str__(self) -> str:
        return self.get_category_display()
