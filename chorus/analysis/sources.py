"""What an analysis reads: the free text of its subject, with what analysts filter by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from chorus.analysis.models import AnalysisRun, Item, SocialPost
from chorus.cases.erasure import REMOVED
from chorus.cases.models import Case
from chorus.consultations.models import Answer, Question, Response
from chorus.directory.models import ContactPoint
from chorus.events.models import Evaluation
from chorus.feedback.models import ExitSurveyResponse, PageFeedback


@dataclass
class Text:
    source: str
    source_id: int
    text: str
    received_at: datetime
    channel: str = ""
    respondent_type: str = ""
    stance: str = ""
    email: str = ""
    region: str = ""
    groups: list[str] = field(default_factory=list)
    organisation_kind: str = ""


def _option_labels(question: Question | None, value: object) -> str:
    if question is None or value in (None, "", []):
        return ""
    values = value if isinstance(value, list) else [value]
    labels = {
        str(o.get("value")): o.get("label", o.get("value")) for o in question.options if isinstance(o, dict)
    }
    return ", ".join(str(labels.get(str(v), v)) for v in values)[:100]


def _answers(answers: QuerySet[Answer]) -> Iterable[Text]:
    answers = answers.select_related("response", "question__follows")
    # The closed answer a "why" question follows gives each mention its stance.
    followed: dict[tuple[int, int], object] = {}
    follows_ids = {q for q in answers.values_list("question__follows", flat=True) if q}
    if follows_ids:
        for response_id, question_id, value in Answer.objects.filter(
            question_id__in=follows_ids, response__in=answers.values("response")
        ).values_list("response_id", "question_id", "value"):
            followed[(response_id, question_id)] = value
    for answer in answers.iterator(chunk_size=2000):
        if not isinstance(answer.value, str) or not answer.value.strip():
            continue
        response: Response = answer.response
        follows = answer.question.follows
        stance = _option_labels(follows, followed.get((response.pk, follows.pk))) if follows else ""
        yield Text(
            source=Item.Source.ANSWER,
            source_id=answer.pk,
            text=answer.value.strip(),
            received_at=response.submitted_at,
            channel=response.get_channel_display(),
            respondent_type=response.get_respondent_type_display(),
            stance=stance,
            email=response.email.lower(),
        )


def event_comments(activity_id: int | None = None) -> QuerySet[Evaluation]:
    """The answered evaluations that say what could be better: an activity's, or (with no
    ``activity_id``) every activity's."""
    comments = Evaluation.objects.filter(answered_at__isnull=False).exclude(improve="")
    return comments if activity_id is None else comments.filter(activity_id=activity_id)


def _evaluation_comments(run: AnalysisRun, ids: dict[str, list[int]] | None) -> Iterable[Text]:
    # A run without an activity reads nothing, never every activity's comments.
    comments = event_comments(run.activity_id or 0)
    if ids is not None:
        comments = comments.filter(pk__in=ids.get(Item.Source.EVALUATION, []))
    for e in comments.order_by("pk").iterator(chunk_size=2000):
        yield Text(
            Item.Source.EVALUATION,
            e.pk,
            e.improve.strip(),
            e.answered_at or e.updated_at,  # always answered: event_comments keeps no others
            channel=gettext_noop("Event evaluation"),
        )


# A case's kind, as the channel its text came by (English msgids, shown translated).
CASE_CHANNELS = {
    "enquiry": gettext_noop("Enquiry"),
    "complaint": gettext_noop("Complaint"),
    "compliment": gettext_noop("Compliment"),
    "suggestion": gettext_noop("Suggestion"),
}


def case_messages() -> QuerySet[Case]:
    """The cases whose person's message is still there: not blank, nor taken out when the
    person was erased or the case passed its retention period."""
    return Case.objects.exclude(description="").exclude(description=REMOVED)


def _case_texts(run: AnalysisRun, ids: dict[str, list[int]] | None) -> Iterable[Text]:
    """The person's own message of each case the run was started with (none erased since)."""
    cases = case_messages().filter(pk__in=run.case_ids or [])
    if ids is not None:
        cases = cases.filter(pk__in=ids.get(Item.Source.CASE, []))
    for c in cases.order_by("pk").iterator(chunk_size=2000):
        if c.description.strip():
            yield Text(
                Item.Source.CASE,
                c.pk,
                c.description.strip(),
                c.created_at,
                channel=CASE_CHANNELS.get(c.kind, ""),
            )


def _service_texts(run: AnalysisRun, ids: dict[str, list[int]] | None) -> Iterable[Text]:
    """A digital service's in-page feedback and exit survey answers."""
    feedback = PageFeedback.objects.filter(service=run.service).exclude(text="")
    exits = ExitSurveyResponse.objects.filter(service=run.service).exclude(improvement="")
    if ids is not None:
        feedback = feedback.filter(pk__in=ids.get(Item.Source.PAGE_FEEDBACK, []))
        exits = exits.filter(pk__in=ids.get(Item.Source.EXIT_SURVEY, []))
    for f in feedback.order_by("pk").iterator(chunk_size=2000):
        channel = (
            gettext_noop("Report a problem")
            if f.kind == PageFeedback.Kind.PROBLEM
            else gettext_noop("Is this page useful?")
        )
        yield Text(Item.Source.PAGE_FEEDBACK, f.pk, f.text.strip(), f.created_at, channel=channel)
    for e in exits.order_by("pk").iterator(chunk_size=2000):
        yield Text(
            Item.Source.EXIT_SURVEY,
            e.pk,
            e.improvement.strip(),
            e.created_at,
            channel=gettext_noop("Exit survey"),
        )


def texts_for(run: AnalysisRun, *, ids: dict[str, list[int]] | None = None) -> list[Text]:
    """The free text of the run's subject (only rows in ``ids``, when given), with directory details."""
    out: list[Text] = []
    if run.subject in (AnalysisRun.Subject.QUESTION, AnalysisRun.Subject.CONSULTATION):
        answers = Answer.objects.filter(question__kind=Question.Kind.TEXT)
        if run.subject == AnalysisRun.Subject.QUESTION:
            answers = answers.filter(question=run.question)
        else:
            answers = answers.filter(response__consultation=run.consultation)
        if ids is not None:
            answers = answers.filter(pk__in=ids.get(Item.Source.ANSWER, []))
        out.extend(_answers(answers.order_by("pk")))
    elif run.subject == AnalysisRun.Subject.SERVICE:
        out.extend(_service_texts(run, ids))
    elif run.subject == AnalysisRun.Subject.SOCIAL:
        posts = SocialPost.objects.filter(source=run.social_source)
        if ids is not None:
            posts = posts.filter(pk__in=ids.get(Item.Source.SOCIAL, []))
        for p in posts.order_by("pk").iterator(chunk_size=2000):
            out.append(
                Text(
                    Item.Source.SOCIAL,
                    p.pk,
                    p.text.strip(),
                    p.posted_at,
                    channel=p.platform or gettext_noop("Social media"),
                )
            )
    elif run.subject == AnalysisRun.Subject.EVENT:
        out.extend(_evaluation_comments(run, ids))
    elif run.subject == AnalysisRun.Subject.CASES:
        out.extend(_case_texts(run, ids))
    _add_directory_details(out)
    return out


def _add_directory_details(texts: list[Text]) -> None:
    """Region, stakeholder groups and organisation type of respondents found in the directory by email."""
    emails = sorted({t.email for t in texts if t.email})
    if not emails:
        return
    found: dict[str, tuple[str, list[str], str]] = {}
    for start in range(0, len(emails), 500):
        points = (
            ContactPoint.objects.filter(
                kind=ContactPoint.Kind.EMAIL, normalised__in=emails[start : start + 500]
            )
            .select_related("person__region")
            .prefetch_related("person__group_memberships__group", "person__memberships__organisation")
        )
        for point in points:
            person = point.person
            region = person.region.name_en if person.region else ""
            groups = sorted({m.group.name for m in person.group_memberships.all()})
            kinds = [m.organisation.get_kind_display() for m in person.memberships.all()]
            found.setdefault(point.normalised, (region, groups, str(kinds[0]) if kinds else ""))
    for t in texts:
        if t.email in found:
            t.region, t.groups, t.organisation_kind = found[t.email]
