"""factory_boy factories shared by the tests: one per model that tests create.

Each factory makes a valid record with the fewest fields; a test names the fields its
behaviour depends on. People go through ``make_person`` (the service) so that their
contacts and search index are set.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from chorus.accounts.models import Role, Team, User


def _days_from_now(days: int) -> factory.LazyFunction:
    return factory.LazyFunction(lambda: timezone.now() + timedelta(days=days))


# accounts


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.ENGAGEMENT_OFFICER
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def teams(self, create: bool, extracted: list[Team] | None, **kwargs: object) -> None:
        if create and extracted:
            self.teams.set(extracted)


# directory


def make_person(**kwargs: object):
    """A person made through the service, so contacts and the search index are set."""
    from chorus.directory.services import PersonData, person_create

    return person_create(actor=None, data=PersonData(**kwargs))  # type: ignore[arg-type]


def _person(last_name: str) -> factory.LazyFunction:
    return factory.LazyFunction(lambda: make_person(first_name="Sam", last_name=last_name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Organisation"

    name = factory.Sequence(lambda n: f"Organisation {n}")


class StakeholderGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.StakeholderGroup"

    name = factory.Sequence(lambda n: f"Group {n}")


class SavedSearchFactory(factory.django.DjangoModelFactory):
    """A saved search of the directory; ``filters`` as the directory list's address has them."""

    class Meta:
        model = "directory.SavedSearch"

    name = factory.Sequence(lambda n: f"Search {n}")
    filters = factory.LazyFunction(lambda: {"q": ["advice"]})


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Place"

    name = factory.Sequence(lambda n: f"Place {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Topic"

    name_en = factory.Sequence(lambda n: f"Topic {n}")
    name_cy = factory.Sequence(lambda n: f"Pwnc {n}")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Assessment"

    person = _person("Assessed")
    influence = 3
    interest = 3
    assessed_by = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A person's place in an organisation."""

    class Meta:
        model = "directory.Membership"

    person = _person("Member")
    organisation = factory.SubFactory(OrganisationFactory)


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.GroupMembership"

    person = _person("Member")
    group = factory.SubFactory(StakeholderGroupFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Consent"

    person = _person("Consenting")
    purpose = "Bulletins"
    lawful_basis = "consent"
    given_on = factory.LazyFunction(lambda: timezone.localdate())
    source = "Sign-up form"


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Note"

    person = _person("Noted")
    text = "Met at the forum"
    author = factory.SubFactory(UserFactory)


class DuplicateCandidateFactory(factory.django.DjangoModelFactory):
    """A pair the linkage model found; ``person_a`` must have the lower primary key."""

    class Meta:
        model = "directory.DuplicateCandidate"

    person_a = _person("Twin")
    person_b = _person("Twin")
    match_probability = 0.9
    match_weight = 4


# engagement


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Project"

    name = factory.Sequence(lambda n: f"Project {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Activity"

    kind = "meeting"
    title = factory.Sequence(lambda n: f"Activity {n}")
    starts_at = _days_from_now(-7)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Attendance"

    activity = factory.SubFactory(ActivityFactory)
    person = _person("Attendee")


class ImpactRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.ImpactRecord"

    project = factory.SubFactory(ProjectFactory)
    you_said = "The form was hard to find"
    we_did = "We linked the form from the start page"
    decided_on = factory.LazyFunction(lambda: timezone.localdate())


class ToolkitItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.ToolkitItem"

    kind = "guidance"
    title = factory.Sequence(lambda n: f"Guidance {n}")
    body = "How to run it well."


class CheckpointFactory(factory.django.DjangoModelFactory):
    """A checkpoint at the alpha stage (one the migrations seed), due today."""

    class Meta:
        model = "engagement.Checkpoint"

    project = factory.SubFactory(ProjectFactory)
    stage_id = "alpha"
    group = factory.SubFactory(StakeholderGroupFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate())


# consultations


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A consultation open from yesterday for thirty days."""

    class Meta:
        model = "consultations.Consultation"

    title = factory.Sequence(lambda n: f"Consultation {n}")
    summary = "What we propose."
    opens_at = _days_from_now(-1)
    closes_at = _days_from_now(30)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Section"

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Section {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Question"

    section = factory.SubFactory(SectionFactory)
    kind = "text"
    text = factory.Sequence(lambda n: f"Question {n}?")


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Response"

    consultation = factory.SubFactory(ConsultationFactory)
    reference = factory.Sequence(lambda n: f"REF{n:05d}")

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        # Linked to the directory person holding its address, as the services that store
        # responses do (chorus.consultations.linking), unless the test says whom.
        if "person" not in kwargs and "person_id" not in kwargs:
            from chorus.consultations.linking import person_for

            kwargs["person_id"] = person_for(kwargs.get("email", ""))
        return super()._create(model_class, *args, **kwargs)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Answer"

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    value = "An answer"


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.HelpRequest"

    consultation = factory.SubFactory(ConsultationFactory)
    name = "Sam Jones"
    way = "phone"


class ResponseDraftFactory(factory.django.DjangoModelFactory):
    """Answers saved to return to, kept for a day."""

    class Meta:
        model = "consultations.ResponseDraft"

    consultation = factory.SubFactory(ConsultationFactory)
    expires_at = _days_from_now(1)


# feedback


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.Service"

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")


class PageFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.PageFeedback"

    service = factory.SubFactory(ServiceFactory)
    kind = "useful"
    page = "https://www.gov.uk/start"


class ExitSurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.ExitSurveyResponse"

    service = factory.SubFactory(ServiceFactory)
    satisfaction = 4
    submission_key = factory.LazyFunction(uuid.uuid4)


# analysis


class AnalysisRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analysis.AnalysisRun"

    title = factory.Sequence(lambda n: f"Analysis {n}")
    subject = "question"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analysis.Theme"

    run = factory.SubFactory(AnalysisRunFactory)
    key = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Theme {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analysis.Item"

    run = factory.SubFactory(AnalysisRunFactory)
    source = "answer"
    source_id = factory.Sequence(lambda n: n + 1)
    text = "A comment"
    redacted = factory.SelfAttribute("text")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analysis.Assignment"

    item = factory.SubFactory(ItemFactory)
    theme = factory.SubFactory(ThemeFactory, run=factory.SelfAttribute("..item.run"))


class SocialSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analysis.SocialSource"

    name = factory.Sequence(lambda n: f"Social export {n}")


class SocialPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analysis.SocialPost"

    source = factory.SubFactory(SocialSourceFactory)
    handle = factory.Sequence(lambda n: f"@someone{n}")
    posted_at = factory.LazyFunction(timezone.now)
    text = "The court was closed"
    fingerprint = factory.Sequence(lambda n: f"post-{n}")


# bulletins


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bulletins.Subscriber"

    email = factory.Sequence(lambda n: f"subscriber{n}@example.org")


class SubscriberListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bulletins.SubscriberList"

    name = factory.Sequence(lambda n: f"List {n}")


class BulletinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bulletins.Bulletin"

    title = factory.Sequence(lambda n: f"Bulletin {n}")
    subject = "News"
    body = "Some news."


class ArmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bulletins.Arm"

    bulletin = factory.SubFactory(BulletinFactory)
    name = factory.Sequence(lambda n: chr(ord("A") + n % 26))
    subject = factory.SelfAttribute("bulletin.subject")


class DeliveryFactory(factory.django.DjangoModelFactory):
    """One subscriber's copy of a bulletin."""

    class Meta:
        model = "bulletins.Delivery"

    bulletin = factory.SubFactory(BulletinFactory)
    subscriber = factory.SubFactory(SubscriberFactory)


# ideas


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A challenge open from yesterday for thirty days."""

    class Meta:
        model = "ideas.Challenge"

    title = factory.Sequence(lambda n: f"Challenge {n}")
    description = "How could we do better?"
    opens_at = _days_from_now(-1)
    closes_at = _days_from_now(30)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ideas.Participant"

    email = factory.Sequence(lambda n: f"participant{n}@example.org")


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ideas.Idea"

    challenge = factory.SubFactory(ChallengeFactory)
    participant = factory.SubFactory(ParticipantFactory)
    title = factory.Sequence(lambda n: f"Idea {n}")
    body = "Here is what I propose."


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ideas.Comment"

    idea = factory.SubFactory(IdeaFactory)
    participant = factory.SubFactory(ParticipantFactory)
    body = "I agree."


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ideas.Support"

    idea = factory.SubFactory(IdeaFactory)
    participant = factory.SubFactory(ParticipantFactory)


# insights


class PerceptionSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "insights.PerceptionSeries"

    name = factory.Sequence(lambda n: f"Perception {n}")
    baseline = factory.SubFactory(ConsultationFactory)
    created_by = factory.SubFactory(UserFactory, role=Role.ANALYST)


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "insights.Dataset"

    slug = factory.Sequence(lambda n: f"dataset-{n}")
    builder = "service-feedback"
    title = factory.Sequence(lambda n: f"Dataset {n}")
    description = "What it holds."
    frequency = "monthly"


class DataAccessRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "insights.DataAccessRequest"

    reference = factory.Sequence(lambda n: f"DAR{n:05d}")
    name = "Ann Researcher"
    email = factory.Sequence(lambda n: f"researcher{n}@example.ac.uk")
    organisation = "University of Example"
    purpose = "Research"
    data_wanted = "Responses by channel"
    legal_basis = "Public task"
    safeguards = "Kept on an encrypted drive"


class DatasetVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "insights.DatasetVersion"

    dataset = factory.SubFactory(DatasetFactory)
    number = factory.Sequence(lambda n: n + 1)
    columns = factory.LazyFunction(
        lambda: [{"name": "count", "title": "Count", "description": "How many", "datatype": "integer"}]
    )
    rows = factory.LazyFunction(lambda: [[12]])
    threshold = 10
    published_by = factory.SubFactory(UserFactory, role=Role.ANALYST)


# events


class RegistrationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.RegistrationSettings"

    activity = factory.SubFactory(ActivityFactory, starts_at=_days_from_now(14), is_public=True)
    capacity = 20
    mode = "in_person"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Registration"

    activity = factory.LazyAttribute(lambda _o: RegistrationSettingsFactory().activity)
    name = factory.Sequence(lambda n: f"Registrant {n}")
    email = factory.Sequence(lambda n: f"registrant{n}@example.org")
    email_normalised = factory.LazyAttribute(lambda o: o.email.lower())
    status = "confirmed"
