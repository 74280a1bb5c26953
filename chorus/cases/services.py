"""Writes to cases: opening one (from a public form or staff entry), assigning, notes,
replies from templates, escalating a complaint and closing. Each validates, writes in one
transaction and records the audit entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chorus.cases.models import (
    NEXT_STAGE,
    Case,
    CaseAttachment,
    CaseEmail,
    CaseNote,
    CaseReply,
    Category,
    Channel,
    Kind,
    Outcome,
    ReplyTemplate,
    ServiceLevel,
    Stage,
    Status,
)
from chorus.cases.satisfaction import survey_send
from chorus.cases.working_days import add_working_days
from chorus.core.audit import audit_record
from chorus.core.email import email_send_later
from chorus.core.models import AuditAction
from chorus.core.tasks import enqueue_after_commit

if TYPE_CHECKING:
    from chorus.accounts.models import Team, User
    from chorus.core.mailbox import IncomingEmail
    from chorus.directory.models import Person, Place

# Working days when no service level is recorded for a kind and stage (the data migration
# seeds these; administrators change them in the admin).
DEFAULT_DAYS: dict[tuple[str, str], int] = {
    (Kind.ENQUIRY, ""): 10,
    (Kind.COMPLAINT, Stage.FIRST_RESPONSE): 10,
    (Kind.COMPLAINT, Stage.REVIEW): 20,
    (Kind.COMPLAINT, Stage.OMBUDSMAN): 40,
    (Kind.COMPLIMENT, ""): 5,
    (Kind.SUGGESTION, ""): 20,
}

# Kinds a person may send without saying who they are.
ANONYMOUS_KINDS = (Kind.COMPLIMENT, Kind.SUGGESTION)
# The same reply sent again within this time is the same reply (a double click, a retry).
REPLY_REPEAT_WINDOW = timedelta(minutes=10)


def working_days_allowed(kind: str, stage: str) -> int:
    level = ServiceLevel.objects.filter(kind=kind, stage=stage).values_list("working_days", flat=True).first()
    return level or DEFAULT_DAYS.get((kind, stage), 10)


def due_date(kind: str, stage: str, start: date) -> date:
    return add_working_days(start, working_days_allowed(kind, stage))


@dataclass
class CaseData:
    """What a public form or staff entry gives to open a case."""

    kind: str
    channel: str
    description: str
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    service: str = ""
    category: Category | None = None
    place: Place | None = None
    person: Person | None = None
    team: Team | None = None
    assignee: User | None = None
    language: str = "en"
    received_on: date | None = None
    attachments: list[UploadedFile] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)


def case_open(
    *,
    actor: User | None,
    data: CaseData,
    request: HttpRequest | None = None,
    submission: str | None = None,
    acknowledge: bool = True,
    actor_label: str = "the person, by the public form",
) -> Case:
    """Open a case; ``submission`` (a public form's token) opens it once however often the
    form is sent. The person is told by email, with the reference, where they gave one."""
    if submission:
        existing = Case.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
    received = data.received_on or timezone.localdate()
    stage = Stage.FIRST_RESPONSE if data.kind == Kind.COMPLAINT else Stage.NONE
    case = Case(
        kind=data.kind,
        stage=stage,
        channel=data.channel,
        description=data.description.strip(),
        name=data.name.strip(),
        email=data.email.strip(),
        phone=data.phone.strip(),
        address=data.address.strip(),
        service=data.service.strip(),
        category=data.category,
        place=data.place,
        person=data.person,
        team=data.team,
        assignee=data.assignee,
        language=data.language if data.language in ("en", "cy") else "en",
        received_on=received,
        stage_started_on=received,
        due_on=due_date(data.kind, stage, received),
        submission=submission or None,
        custom=data.custom,
    )
    if case.is_anonymous and case.kind not in ANONYMOUS_KINDS:
        raise ValidationError({"name": _("Enter your name")})
    case.full_clean(exclude=["reference"])
    try:
        with transaction.atomic():
            case.save()
            case.reference = f"CAS-{received.year}-{case.pk:06d}"
            case.save(update_fields=["reference"])
            for upload in data.attachments:
                _attach(case, upload)
            CaseNote.objects.create(
                case=case,
                kind=CaseNote.Kind.OPENED,
                text=english(Channel(case.channel).label),
                author=actor if actor is not None and actor.is_authenticated else None,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=case,
                request=request,
                actor_label="" if actor else actor_label,
                detail={"kind": case.kind, "channel": case.channel},
            )
            if case.person is None and (case.email or case.name):
                from chorus.cases.matching import case_match_task

                enqueue_after_commit(case_match_task, case.pk)
            if acknowledge and case.email:
                _acknowledge(case)
    except IntegrityError:
        # The same form sent at the same moment: the other request opened the case.
        if submission:
            found = Case.objects.filter(submission=submission).first()
            if found is not None:
                return found
        raise
    return case


def _attach(case: Case, upload: UploadedFile) -> CaseAttachment:
    attachment = CaseAttachment(case=case, original_name=upload.name or "", size=upload.size or 0)
    attachment.file.save(upload.name or "attachment", upload, save=False)
    attachment.save()
    return attachment


def _acknowledge(case: Case) -> None:
    with translation.override(case.language):
        context = {
            "case": case,
            "kind": str(Kind(case.kind).label).lower(),
            "service_name": settings.CHORUS_SERVICE_NAME_CY
            if case.language == "cy"
            else settings.CHORUS_SERVICE_NAME,
            "support_email": settings.CHORUS_SUPPORT_EMAIL,
        }
        subject = _("We have your %(kind)s: %(reference)s") % {
            "kind": context["kind"],
            "reference": case.reference,
        }
        body = render_to_string("cases/email/received.txt", context)
    email_send_later(to=[case.email], subject=subject, body=body)


def english(label: object) -> str:
    """A choice's label in English, as the timeline keeps what happened (an "Opened" note's
    channel, a stage, an outcome): the case page shows it in the reader's language."""
    with translation.override("en"):
        return str(label)


def _note(case: Case, kind: str, text: str, actor: User | None) -> CaseNote:
    return CaseNote.objects.create(case=case, kind=kind, text=text, author=actor)


def case_custom_set(
    *, actor: User, case: Case, custom: dict[str, Any], request: HttpRequest | None = None
) -> Case:
    """Set the values of the fields administrators added (``CaseFieldsForm`` keeps those the
    actor may not see)."""
    with transaction.atomic():
        before = dict(case.custom)
        case.custom = custom
        case.full_clean(exclude=["reference"])
        case.save(update_fields=["custom", "updated_at"])
        changed = {
            key: [str(before.get(key, "")), str(custom.get(key, ""))]
            for key in sorted({*before, *custom})
            if before.get(key) != custom.get(key)
        }
        if changed:
            audit_record(actor=actor, action=AuditAction.CHANGE, obj=case, request=request, detail=changed)
    return case


def case_assign(
    *, actor: User, case: Case, team: Team | None, assignee: User | None, request: HttpRequest | None = None
) -> Case:
    if assignee is not None and team is not None and not assignee.teams.filter(pk=team.pk).exists():
        raise ValidationError({"assignee": _("Choose someone in the team, or no one")})
    with transaction.atomic():
        before = {
            "team": str(case.team or ""),
            "assignee": str(getattr(case.assignee, "full_name", "") or ""),
        }
        case.team, case.assignee = team, assignee
        case.save(update_fields=["team", "assignee", "updated_at"])
        who = assignee.full_name if assignee else _("no one")
        text = _("Assigned to %(who)s") % {"who": who}
        if team is not None:
            text += " (" + team.name + ")"
        _note(case, CaseNote.Kind.ASSIGNED, text, actor)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=case,
            request=request,
            detail={
                "before": before,
                "team": str(team or ""),
                "assignee": getattr(assignee, "full_name", ""),
            },
        )
    return case


def case_note_add(*, actor: User, case: Case, text: str, request: HttpRequest | None = None) -> CaseNote:
    if not text.strip():
        raise ValidationError({"text": _("Enter the note")})
    with transaction.atomic():
        note = _note(case, CaseNote.Kind.NOTE, text.strip(), actor)
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=case, request=request, detail={"note": "added"}
        )
    return note


class _Blank(dict[str, str]):
    """Placeholders a template names that the case has no value for stay as typed."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template_render(template: ReplyTemplate, case: Case, language: str) -> tuple[str, str]:
    """The template's subject and text in ``language`` (English where it has no Welsh), with
    the case's values put in for ``{name}``, ``{reference}``, ``{service}``, ``{due_date}``."""
    from chorus.core.templatetags.dates import long_date

    welsh = language == "cy"
    subject = template.subject_cy if welsh and template.subject_cy else template.subject_en
    body = template.body_cy if welsh and template.body_cy else template.body_en
    with translation.override(language):
        values = _Blank(
            name=case.name or _("Sir or Madam"),
            reference=case.reference or "",
            service=case.service,
            due_date=long_date(case.due_on),
        )
    return subject.format_map(values), body.format_map(values)


def case_reply(
    *,
    actor: User,
    case: Case,
    subject: str,
    body: str,
    template: ReplyTemplate | None = None,
    request: HttpRequest | None = None,
) -> CaseReply:
    """Send a reply to the person by email and keep it on the case. The same reply sent
    again within a few minutes (a double click, a retry) is not sent twice: the one already
    sent is returned."""
    if not case.email:
        raise ValidationError(_("This case has no email address to reply to"))
    if not subject.strip():
        raise ValidationError({"subject": _("Enter a subject")})
    if not body.strip():
        raise ValidationError({"body": _("Enter the reply")})
    with transaction.atomic():
        # One reply at a time for a case, so that two copies sent at once are seen as one.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        already = (
            case.replies.filter(
                # The same address too: a reply sent again after the address was put right
                # goes to the right person.
                to=case.email,
                subject=subject.strip(),
                body=body.strip(),
                sent_by=actor,
                sent_at__gte=timezone.now() - REPLY_REPEAT_WINDOW,
            )
            .order_by("-sent_at")
            .first()
        )
        if already is not None:
            return already
        reply = CaseReply.objects.create(
            case=case,
            to=case.email,
            subject=subject.strip(),
            body=body.strip(),
            language=case.language,
            template=template,
            sent_by=actor,
        )
        email_send_later(to=[case.email], subject=reply.subject, body=reply.body)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=case,
            request=request,
            # The reply's number, not its subject: a template may put the person's name in
            # the subject, and the audit log outlives the case's erasure.
            detail={"reply sent": reply.pk, "template": template.name if template else ""},
        )
    return reply


def case_escalate(*, actor: User, case: Case, request: HttpRequest | None = None) -> Case:
    """Move a complaint to its next stage, with a new due date from today."""
    if not case.is_open:
        raise ValidationError(_("A closed case cannot be escalated"))
    following = NEXT_STAGE.get(case.stage, "") if case.kind == Kind.COMPLAINT else ""
    if not following:
        raise ValidationError(_("This case has no further stage"))
    with transaction.atomic():
        before = case.stage
        today = timezone.localdate()
        case.stage, case.stage_started_on = following, today
        case.due_on = due_date(case.kind, following, today)
        case.save(update_fields=["stage", "stage_started_on", "due_on", "updated_at"])
        _note(case, CaseNote.Kind.STAGE, english(Stage(following).label), actor)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=case,
            request=request,
            detail={"stage": following, "before": before, "due": case.due_on.isoformat()},
        )
    return case


def case_close(
    *, actor: User, case: Case, outcome: str, lesson_learned: str, request: HttpRequest | None = None
) -> Case:
    if not case.is_open:
        raise ValidationError(_("This case is already closed"))
    if case.kind == Kind.COMPLAINT and outcome not in (
        Outcome.UPHELD,
        Outcome.PARTLY_UPHELD,
        Outcome.NOT_UPHELD,
    ):
        raise ValidationError({"outcome": _("Select whether the complaint was upheld")})
    if case.kind != Kind.COMPLAINT:
        outcome = Outcome.NONE
    with transaction.atomic():
        # One close at a time: a close sent twice at once closes (and asks the person) once.
        locked = Case.objects.select_for_update().filter(pk=case.pk).first()
        if locked is None or not locked.is_open:
            raise ValidationError(_("This case is already closed"))
        case.status, case.outcome = Status.CLOSED, outcome
        case.lesson_learned = lesson_learned.strip()
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "outcome", "lesson_learned", "closed_at", "updated_at"])
        text = english(Outcome(outcome).label if outcome else Status.CLOSED.label)
        _note(case, CaseNote.Kind.CLOSED, text, actor)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=case,
            request=request,
            detail={"closed": outcome or True},
        )
        # The person is asked how we did, the first time it is closed (sent once it commits).
        survey_send(case)
    return case


def case_reopen(
    *,
    actor: User | None,
    case: Case,
    reason: str,
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> Case:
    """Open a closed case again (the person came back, or it was closed by mistake), with the
    reason on its timeline: its outcome is cleared for the next closing, and it is due again
    the working days its kind and stage allow, from today."""
    reason = reason.strip()
    if case.is_open:
        raise ValidationError(_("This case is already open"))
    if not reason:
        raise ValidationError({"reason": _("Enter why the case is being reopened")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.is_open:
            raise ValidationError(_("This case is already open"))
        before = case.outcome
        today = timezone.localdate()
        case.status, case.outcome, case.closed_at = Status.OPEN, Outcome.NONE, None
        case.due_on = due_date(case.kind, case.stage, today)
        case.save(update_fields=["status", "outcome", "closed_at", "due_on", "updated_at"])
        _note(case, CaseNote.Kind.REOPENED, reason, actor)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=case,
            request=request,
            actor_label=actor_label,
            detail={"reopened": True, "outcome before": before or "", "due": case.due_on.isoformat()},
        )
    return case


# Email to the case address, read by chorus.core.mailbox (chorus/cases/mailbox.py) ----------

# Who did it, in the audit log, for what an email to the case address did.
BY_EMAIL = "the person, by email"
# Kept in English on the timeline and shown in the reader's language (views._timeline).
EMAILED_AGAIN = gettext_noop("They emailed about it again.")
NO_TEXT = gettext_noop("The email had no text.")


def _email_keep(
    case: Case, message: IncomingEmail, refused: list[dict[str, str]], note: CaseNote | None
) -> CaseEmail:
    return CaseEmail.objects.create(
        case=case,
        note=note,
        message_id=message.message_id[:255],
        sender=message.sender[:254],
        sender_name=message.sender_name[:200],
        to=", ".join(message.to),
        cc=", ".join(message.cc),
        subject=message.subject[:300],
        sent_at=message.sent_at,
        refused=refused,
    )


def _email_text(message: IncomingEmail, *, or_subject: bool) -> str:
    """The email's words; a case opened from one with none says what it is about by its
    subject (a timeline line shows the subject beside the words anyway)."""
    return message.text or (message.subject if or_subject else "") or NO_TEXT


def case_open_from_email(
    *, message: IncomingEmail, files: list[UploadedFile], refused: list[dict[str, str]]
) -> Case:
    """Open an enquiry from an email to the case address, from the name and address it came
    from (matched to the directory as every case is). The person is told its reference, which
    their replies then carry in the subject."""
    email = message.sender
    try:
        validate_email(email)
    except ValidationError:
        email = ""  # kept on the email's record, but not one to reply to
    with transaction.atomic():
        case = case_open(
            actor=None,
            actor_label=BY_EMAIL,
            data=CaseData(
                kind=Kind.ENQUIRY,
                channel=Channel.EMAIL,
                description=_email_text(message, or_subject=True),
                name=(message.sender_name or ("" if email else message.sender))[:200],
                email=email,
                language="cy" if message.language == "cy" else "en",
                attachments=files,
            ),
        )
        _email_keep(case, message, refused, None)
    return case


def case_email_add(
    *, case: Case, message: IncomingEmail, files: list[UploadedFile], refused: list[dict[str, str]]
) -> CaseEmail:
    """Put an email about a case (its reference in the subject) on the case's timeline as the
    person's message, with its files. A closed case is opened again only by an email from
    the case's own address: a reference is printed on letters and forwarded, so anyone may
    write quoting it, and what they say is kept for staff to read without reopening it."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        note = _note(case, CaseNote.Kind.EMAIL, _email_text(message, or_subject=False), None)
        for upload in files:
            _attach(case, upload)
        kept = _email_keep(case, message, refused, note)
        audit_record(
            actor=None,
            action=AuditAction.CHANGE,
            obj=case,
            actor_label=BY_EMAIL,
            detail={"email received": kept.pk, "files kept": len(files), "files not kept": len(refused)},
        )
        from_the_person = bool(case.email) and message.sender.lower() == case.email.lower()
        if not case.is_open and from_the_person:
            case_reopen(actor=None, case=case, reason=EMAILED_AGAIN, actor_label=BY_EMAIL)
    return kept
