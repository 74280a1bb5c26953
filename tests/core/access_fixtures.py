"""The records the URL access matrix (``test_url_access_matrix.py``) requests pages about.

One of each kind of record, restricted to team A wherever the model can be restricted,
plus a few restricted to team B. Their words carry markers that the matrix looks for in
what each identity gets back:

- ``ALPHAONLY`` is in the names of team A's records: an officer of team B must never
  see it on a staff page (the viewer and analyst are in team A, so they may).
- ``BETAONLY`` is in the names of team B's records: the viewer and analyst of team A
  must never see it on a staff page.
- ``CONTACTS`` are contact details of members of the public: a viewer must never see
  one ("reads records but changes nothing; sees no contact details").
- ``PERSONAL`` are the names of members of the public: a staff page that shows one is a
  view of personal data and must write an audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import uuid4

from django.core.files.base import ContentFile
from django.utils import timezone

from chorus.accounts.models import Role, Team, User
from tests.factories import (
    ActivityFactory,
    AnalysisRunFactory,
    AnswerFactory,
    AssignmentFactory,
    AttendanceFactory,
    BulletinFactory,
    ChallengeFactory,
    CheckpointFactory,
    CommentFactory,
    ConsultationFactory,
    DataAccessRequestFactory,
    DatasetVersionFactory,
    DeliveryFactory,
    DuplicateCandidateFactory,
    ExitSurveyResponseFactory,
    HelpRequestFactory,
    IdeaFactory,
    ImpactRecordFactory,
    ItemFactory,
    NoteFactory,
    OrganisationFactory,
    PageFeedbackFactory,
    ParticipantFactory,
    PerceptionSeriesFactory,
    ProjectFactory,
    QuestionFactory,
    ResponseDraftFactory,
    ResponseFactory,
    SectionFactory,
    ServiceFactory,
    SocialPostFactory,
    SocialSourceFactory,
    StakeholderGroupFactory,
    SubscriberFactory,
    TeamFactory,
    ThemeFactory,
    ToolkitItemFactory,
    UserFactory,
    make_person,
)

TEAM_A_MARK = "ALPHAONLY"
TEAM_B_MARK = "BETAONLY"

PERSON_EMAIL = "zebedee@contact.example"
PERSON_PHONE = "07700 900461"
RESPONDENT_EMAIL = "ramona@contact.example"
HELPER_EMAIL = "hector@contact.example"
HELPER_PHONE = "07700 900462"
PARTICIPANT_EMAIL = "pavla@contact.example"
SUBSCRIBER_EMAIL = "sabine@contact.example"
RESEARCHER_EMAIL = "rhys@contact.example"
IMPORTED_EMAIL = "ivor@contact.example"
REGISTRANT_EMAIL = "regina@contact.example"
CASE_EMAIL = "cadfael@contact.example"

# Looked for with spaces taken out of the page, so a phone number laid out differently
# is still found.
CONTACTS = (
    PERSON_EMAIL,
    RESPONDENT_EMAIL,
    HELPER_EMAIL,
    PARTICIPANT_EMAIL,
    SUBSCRIBER_EMAIL,
    RESEARCHER_EMAIL,
    IMPORTED_EMAIL,
    REGISTRANT_EMAIL,
    CASE_EMAIL,
    PERSON_PHONE.replace(" ", ""),
    HELPER_PHONE.replace(" ", ""),
)
PERSONAL = ("Zebedee", "Ramona", "Hector", "Pavla", "Sabine", "Rhys Researcher", "Ivor", "Regina", "Cadfael")


@dataclass
class World:
    team_a: Team
    team_b: Team
    viewer: User
    analyst: User
    other_team: User
    admin: User
    records: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["records"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    """Make the identities and the records. Called once per test module."""
    from chorus.engagement.models import stages_ensure

    stages_ensure()  # a transactional test run earlier in this process may have flushed them
    now = timezone.now()
    team_a = TeamFactory(name="Team A")
    team_b = TeamFactory(name="Team B")
    world = World(
        team_a=team_a,
        team_b=team_b,
        viewer=UserFactory(
            role=Role.VIEWER, email="viewer@example.gov.uk", full_name="Vera Viewer", teams=[team_a]
        ),
        analyst=UserFactory(
            role=Role.ANALYST, email="analyst@example.gov.uk", full_name="Anil Analyst", teams=[team_a]
        ),
        other_team=UserFactory(
            role=Role.ENGAGEMENT_OFFICER,
            email="officer.b@example.gov.uk",
            full_name="Otto Other",
            teams=[team_b],
        ),
        admin=UserFactory(role=Role.ADMINISTRATOR, email="admin@example.gov.uk", full_name="Ada Admin"),
    )
    officer_a = UserFactory(
        role=Role.ENGAGEMENT_OFFICER,
        email="officer.a@example.gov.uk",
        full_name="Olwen Officer",
        teams=[team_a],
    )
    r = world.records
    r["officer_a"] = officer_a
    _directory(r, team_a, team_b, world.admin)
    _engagement(r, team_a, team_b, now)
    _events(r, now)
    _cases(r, team_a, team_b)
    _commitment_import(r, team_a, world.admin)
    _consultations(r, team_a, team_b, now)
    _feedback_and_analysis(r, team_a, now)
    _bulletins(r, team_a)
    _ideas(r, team_a, now)
    _insights(r, team_a, world.admin)
    _export(r, world.admin)
    _api_token(world)
    _webhook_delivery(world)
    _sso_group(world)
    return world


def _export(r: dict[str, Any], admin: User) -> None:
    """A file the admin asked for (team A's consultation's responses), written at once."""
    from chorus.core.exports import export_start, export_write

    export = export_start(
        user=admin,
        exporter="consultations.responses",
        params={"consultation": str(r["consultation"].code)},
        file_format="csv",
        title="Responses",
        download_name="responses",
    )
    export_write.call(export.pk)
    r["export"] = export


def _directory(r: dict[str, Any], team_a: Team, team_b: Team, admin: User) -> None:
    from chorus.core.models import CustomField, SitePage
    from chorus.directory.models import (
        ImportJob,
        MergeRecord,
        SavedSearch,
        SubjectAccessRequest,
    )

    r["site_page"] = SitePage.objects.filter(slug="privacy").first() or SitePage.objects.create(
        slug="privacy", title_en="Privacy", title_cy="Preifatrwydd", body_en="Text", body_cy="Testun"
    )
    # Not in use, so the other pages of the matrix are as they would be without it.
    r["custom_field"] = CustomField.objects.create(
        applies_to="person", key="matrix", label_en="Matrix", label_cy="Matrics", kind="text", active=False
    )
    r["panel"] = StakeholderGroupFactory(name="Residents' panel", is_panel=True)
    r["group"] = StakeholderGroupFactory(name="Advice sector")
    r["organisation"] = OrganisationFactory(name=f"Valleys Advice {TEAM_A_MARK}", team=team_a)
    r["organisation_b"] = OrganisationFactory(name=f"Coast Advice {TEAM_B_MARK}", team=team_b)
    r["person"] = make_person(
        first_name="Zebedee",
        last_name=TEAM_A_MARK.title(),
        emails=[PERSON_EMAIL],
        phones=[PERSON_PHONE],
        postcode="CF10 1AA",
        communication_needs="Large print",
        team=team_a,
        organisation=r["organisation"],
        groups=[r["panel"], r["group"]],
    )
    r["saved_search"] = SavedSearch.objects.create(
        name=f"Advice contacts {TEAM_A_MARK}",
        filters={"group": [str(r["group"].pk)]},
        owner=r["officer_a"],
        team=team_a,
    )
    r["person_twin"] = make_person(first_name="Zebedy", last_name=TEAM_A_MARK.title(), team=team_a)
    r["person_b"] = make_person(first_name="Bertha", last_name=TEAM_B_MARK.title(), team=team_b)
    NoteFactory(person=r["person"], text=f"Met at the forum {TEAM_A_MARK}")
    a, b = sorted([r["person"], r["person_twin"]], key=lambda p: p.pk)
    r["duplicate"] = DuplicateCandidateFactory(
        person_a=a, person_b=b, match_probability=0.9, match_weight=4, agreement={"first_name": "nickname"}
    )
    r["merge"] = MergeRecord.objects.create(survivor=r["person"], duplicate=r["person_twin"], merged_by=admin)
    job = ImportJob(
        original_name=f"forum-{TEAM_A_MARK}.csv",
        created_by=admin,
        team=team_a,
        status=ImportJob.Status.CHECKED,
        headers=["Name", "Email"],
        mapping={"0": "full_name", "1": "email"},
        total_rows=2,
        valid_rows=1,
        problems=[{"line": 3, "errors": ["Enter a last name"]}],
    )
    job.file.save("forum.csv", ContentFile(f"Name,Email\nIvor Imported,{IMPORTED_EMAIL}\n,bad\n".encode()))
    r["import_job"] = job
    sar = SubjectAccessRequest(
        person=r["person"],
        person_label=r["person"].full_name,
        requested_by=admin,
        status=SubjectAccessRequest.Status.READY,
        completed_at=timezone.now(),
    )
    sar.file.save("sar.zip", ContentFile(_zip({"person.json": f'{{"email": "{PERSON_EMAIL}"}}'})))
    r["subject_access"] = sar


def _zip(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _engagement(r: dict[str, Any], team_a: Team, team_b: Team, now: Any) -> None:
    from chorus.engagement.models import (
        AttendanceImport,
        Commitment,
        CommitmentUpdate,
    )

    r["project"] = ProjectFactory(name=f"Court fees {TEAM_A_MARK}", team=team_a)
    r["project_b"] = ProjectFactory(name=f"Prisons {TEAM_B_MARK}", team=team_b)
    r["activity"] = ActivityFactory(
        kind="user_forum",
        title=f"Users' forum {TEAM_A_MARK}",
        starts_at=now - timedelta(days=3),
        team=team_a,
        is_public=True,
    )
    r["activity"].projects.add(r["project"])
    r["activity"].groups.add(r["group"])
    r["activity_b"] = ActivityFactory(
        kind="meeting", title=f"Meeting {TEAM_B_MARK}", starts_at=now - timedelta(days=2), team=team_b
    )
    AttendanceFactory(activity=r["activity"], person=r["person"], attended=True)
    from chorus.directory.adjustments import adjustments_save

    adjustments_save(
        person=r["person"],
        needs={"hearing_loop": "", "other": "A seat near the front"},
        share_with={"event_team"},
        review_on=None,
        via="staff",
        actor=None,
    )
    AttendanceFactory(activity=r["activity_b"], person=r["person_b"], attended=True)
    r["attendance_import"] = AttendanceImport.objects.create(
        activity=r["activity"],
        original_name="signups.csv",
        rows=[
            {
                "line": 2,
                "values": {"name": "Ivor Imported", "email": IMPORTED_EMAIL},
                "errors": [],
                "attended": True,
                "match": None,
            }
        ],
    )
    r["checkpoint"] = CheckpointFactory(
        project=r["project"], stage_id="alpha", group=r["group"], due_on=(now - timedelta(days=1)).date()
    )
    r["impact"] = ImpactRecordFactory(
        project=r["project"],
        you_said=f"Forms are hard {TEAM_A_MARK}",
        we_did="We made them shorter",
        decided_on=now.date(),
    )
    r["impact"].activities.add(r["activity"])
    r["toolkit_item"] = ToolkitItemFactory(kind="guidance", title="Planning", body="## Before")
    r["commitment"] = Commitment.objects.create(
        kind=Commitment.Kind.RECOMMENDATION,
        title=f"Publish the fees review {TEAM_A_MARK}",
        source_body="Justice Select Committee",
        team=team_a,
        project=r["project"],
        impact_record=r["impact"],
        due_on=(now - timedelta(days=1)).date(),
        status=Commitment.Status.AT_RISK,
    )
    r["commitment"].activities.add(r["activity"])
    CommitmentUpdate.objects.create(commitment=r["commitment"], status="at_risk", note="Waiting on data")
    _logged_emails(r)
    r["commitment_b"] = Commitment.objects.create(
        kind=Commitment.Kind.ACTION,
        title=f"Visit every prison {TEAM_B_MARK}",
        source_body="Engagement strategy",
        team=team_b,
        due_on=(now - timedelta(days=1)).date(),
    )


def _logged_emails(r: dict[str, Any]) -> None:
    """An email logged to team A's person, with a file, and one waiting to be filed."""
    from chorus.engagement.models import LoggedEmail, LoggedEmailAttachment

    r["logged_email"] = LoggedEmail.objects.create(
        status=LoggedEmail.Status.FILED,
        sender=PERSON_EMAIL,
        sender_name="Zebedee",
        to="people@chorus.test",
        subject=f"Court fees {TEAM_A_MARK}",
        text="About the fee.",
    )
    r["logged_email"].people.add(r["person"])
    r["logged_email_attachment"] = LoggedEmailAttachment(
        email=r["logged_email"], original_name="letter.pdf", size=5
    )
    r["logged_email_attachment"].file.save("letter.pdf", ContentFile(b"%PDF-"))
    r["email_to_file"] = LoggedEmail.objects.create(
        status=LoggedEmail.Status.TO_FILE, sender="someone@unknown.example", subject="Hello", text="Hi."
    )


def _events(r: dict[str, Any], now: Any) -> None:
    """Registration on team A's activity, with one registrant; and a public event open for registration."""
    from chorus.events.models import Registration, RegistrationSettings

    RegistrationSettings.objects.create(activity=r["activity"], capacity=10, mode="in_person")
    r["registration"] = Registration.objects.create(
        activity=r["activity"],
        name="Regina Registrant",
        email=REGISTRANT_EMAIL,
        email_normalised=REGISTRANT_EMAIL,
        status=Registration.Status.CONFIRMED,
    )
    r["open_event"] = ActivityFactory(
        kind="event", title="Open day", starts_at=now + timedelta(days=10), is_public=True
    )
    RegistrationSettings.objects.create(activity=r["open_event"], capacity=10, mode="in_person")
    # A public event that has happened, with a file from it (check-in and materials).
    from chorus.events.models import MaterialFile

    r["past_event"] = ActivityFactory(
        kind="event", title="Past forum", starts_at=now - timedelta(days=3), is_public=True
    )
    r["material_file"] = MaterialFile(
        activity=r["past_event"], title="Slides", original_name="slides.pdf", size=4
    )
    r["material_file"].file.save("slides.pdf", ContentFile(b"%PDF"))
    # A file from team A's activity, for the page that removes one.
    r["team_material_file"] = MaterialFile(
        activity=r["activity"], title="Notes", original_name="notes.pdf", size=4
    )
    r["team_material_file"].file.save("notes.pdf", ContentFile(b"%PDF"))


def _cases(r: dict[str, Any], team_a: Team, team_b: Team) -> None:
    """A complaint restricted to team A (with its person's contact details), and one of team B's."""
    from chorus.cases.services import CaseData, case_open

    r["case"] = case_open(
        actor=None,
        acknowledge=False,
        data=CaseData(
            kind="complaint",
            channel="phone",
            description="The hearing loop did not work.",
            name=f"Cadfael {TEAM_A_MARK.title()}",
            email=CASE_EMAIL,
            # Named on the cases dashboard: only to those who may see the case.
            service=f"Hearing loops {TEAM_A_MARK}",
            team=team_a,
        ),
    )
    from chorus.cases.models import CaseAttachment

    r["case_attachment"] = CaseAttachment(case=r["case"], original_name="photo.jpg", size=4)
    r["case_attachment"].file.save("photo.jpg", ContentFile(b"\xff\xd8\xff\xe0"))
    r["case_b"] = case_open(
        actor=None,
        acknowledge=False,
        data=CaseData(
            kind="enquiry",
            channel="letter",
            description="Opening hours?",
            name=f"Bethan {TEAM_B_MARK}",
            service=f"Opening hours {TEAM_B_MARK}",
            team=team_b,
        ),
    )


def _registration_token(w: World) -> str:
    from chorus.events.services import registration_token

    return registration_token(w.registration)


def _invitation_token(w: World) -> str:
    from chorus.events.invitations import invitation_token
    from chorus.events.models import Invitation

    Invitation.objects.get_or_create(activity=w.open_event, person=w.person)
    return invitation_token(w.open_event, w.person)


def _satisfaction_token(w: World) -> str:
    from chorus.cases.models import SatisfactionSurvey
    from chorus.cases.satisfaction import survey_token

    survey, _created = SatisfactionSurvey.objects.get_or_create(case=w.case)
    return survey_token(survey)


def _evaluation_token(w: World) -> str:
    from chorus.events.evaluation import evaluation_token
    from chorus.events.models import Evaluation

    evaluation, _created = Evaluation.objects.get_or_create(activity=w.past_event, person=w.person)
    return evaluation_token(evaluation)


def _commitment_import(r: dict[str, Any], team_a: Team, admin: Any) -> None:
    from chorus.engagement.models import CommitmentImport

    r["commitment_import"] = CommitmentImport.objects.create(
        created_by=admin,
        original_name="recommendations.csv",
        rows=[
            {
                "line": 2,
                "values": {"title": f"Publish the hearing lists {TEAM_A_MARK}", "reference": "R9"},
                "kind": "recommendation",
                "status": "not_started",
                "due_on": None,
                "source_date": None,
                "owner": None,
                "team": team_a.pk,
                "existing": None,
            }
        ],
    )


def _consultations(r: dict[str, Any], team_a: Team, team_b: Team, now: Any) -> None:
    from chorus.consultations.models import (
        HelpRequest,
        Response,
        ResponseImport,
        ResponseTag,
        SupportingDocument,
    )
    from chorus.equality.models import EqualityRecord

    consultation = ConsultationFactory(
        title=f"Court fees consultation {TEAM_A_MARK}",
        summary="Tell us about fees.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
        team=team_a,
        project=r["project"],
        is_published=True,
        equality_monitoring=True,
    )
    r["consultation"] = consultation
    r["consultation_b"] = ConsultationFactory(
        title=f"Prisons consultation {TEAM_B_MARK}",
        summary="Tell us.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
        team=team_b,
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    r["question"] = QuestionFactory(section=section, kind="text", text="What do you think?", order=1)
    r["choice_question"] = QuestionFactory(
        section=section,
        kind="single",
        text="Do you agree?",
        options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        order=2,
    )
    equality_key = uuid4()
    r["response"] = ResponseFactory(
        consultation=consultation,
        reference="ALPHA001",
        name="Ramona Respondent",
        email=RESPONDENT_EMAIL,
        publish=Response.Publish.NAMED,
        equality_key=equality_key,
    )
    AnswerFactory(response=r["response"], question=r["question"], value="Fees are too high")
    AnswerFactory(response=r["response"], question=r["choice_question"], value=["yes"])
    r["response_tag"] = ResponseTag.objects.create(consultation=consultation, name=f"fees {TEAM_A_MARK}")
    r["response_tag"].responses.add(r["response"])
    r["equality_record"] = EqualityRecord.objects.create(
        key=equality_key, asked_for=consultation.code, submitted=True, age_band="35_44"
    )
    r["help_request"] = HelpRequestFactory(
        consultation=consultation,
        name="Hector Helpwanted",
        phone=HELPER_PHONE,
        email=HELPER_EMAIL,
        way=HelpRequest.Way.PHONE,
    )
    r["response_import"] = ResponseImport.objects.create(
        consultation=consultation,
        original_name="paper.csv",
        headers=["channel", "name", "email", "Q1"],
        rows=[
            {
                "line": 2,
                "row": ["post", "Ivor Imported", IMPORTED_EMAIL, "Perhaps"],
                "errors": ["Q1: not an answer"],
                "about": {},
                "answers": {},
            }
        ],
    )
    r["draft"] = ResponseDraftFactory(consultation=consultation, expires_at=now + timedelta(days=30))
    document = SupportingDocument(
        consultation=consultation, title="The proposal", original_name="proposal.pdf"
    )
    document.file.save("proposal.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    document.size = document.file.size
    document.save()
    r["document"] = document


def _feedback_and_analysis(r: dict[str, Any], team_a: Team, now: Any) -> None:
    from chorus.analysis.models import (
        AnalysisRun,
        EmergingIssue,
        Item,
    )

    service = ServiceFactory(
        name=f"Pay a fine {TEAM_A_MARK}",
        slug="pay-a-fine",
        team=team_a,
        allowed_origins="https://pay.example.gov.uk",
        equality_monitoring=True,
    )
    r["service"] = service
    PageFeedbackFactory(
        service=service, kind="problem", page="https://pay.example.gov.uk/start", text="The button is broken"
    )
    ExitSurveyResponseFactory(service=service, satisfaction=4, improvement="Faster", submission_key=uuid4())
    EmergingIssue.objects.create(
        service=service,
        about="service",
        key=service.name,
        kind="volume",
        window_days=7,
        recent=5,
        expected=1,
        p_value=0.001,
        recent_count=5,
        comments=[{"id": 1, "text": "The button is broken", "at": now.isoformat()}],
    )
    r["social_source"] = SocialSourceFactory(name=f"Mentions {TEAM_A_MARK}", team=team_a)
    SocialPostFactory(
        source=r["social_source"], handle="@someone", posted_at=now, text="Court was closed", fingerprint="x"
    )
    run = AnalysisRunFactory(
        title=f"Fees analysis {TEAM_A_MARK}",
        subject=AnalysisRun.Subject.QUESTION,
        question=r["question"],
        consultation=r["consultation"],
        team=team_a,
        status=AnalysisRun.Status.DONE,
        finished_at=now,
        item_count=1,
    )
    r["run"] = run
    r["theme"] = ThemeFactory(run=run, key=1, label="Cost", size=1, counted=1, share=1.0)
    r["item"] = ItemFactory(
        run=run,
        source=Item.Source.ANSWER,
        source_id=r["response"].pk,
        text="Fees are too high",
        redacted="Fees are too high",
        sentiment="negative",
        channel="online",
    )
    AssignmentFactory(item=r["item"], theme=r["theme"])
    from chorus.analysis.services.review import sample_draw

    # A quality sample drawn by another analyst of team A, for the analyst to code second.
    drawer = UserFactory(
        role=Role.ANALYST, email="drawer@example.gov.uk", full_name="Dara Drawer", teams=[team_a]
    )
    r["sample"] = sample_draw(run=run, actor=drawer, size=1, seed=1)


def _bulletins(r: dict[str, Any], team_a: Team) -> None:
    from chorus.bulletins.models import Delivery, Link, Subscriber, SubscriberImport

    r["subscriber"] = SubscriberFactory(email=SUBSCRIBER_EMAIL, status=Subscriber.Status.ACTIVE)
    r["bulletin"] = BulletinFactory(
        title=f"March news {TEAM_A_MARK}",
        subject="News",
        body="Read [this](https://example.gov.uk/)",
        team=team_a,
    )
    r["link"] = Link.objects.create(bulletin=r["bulletin"], url="https://example.gov.uk/", number=1)
    r["delivery"] = DeliveryFactory(
        bulletin=r["bulletin"], subscriber=r["subscriber"], status=Delivery.Status.SENT
    )
    r["subscriber_import"] = SubscriberImport.objects.create(
        created_by=r["officer_a"],
        original_name="subscribers.csv",
        lawful_basis="consent",
        source_detail="Sign-up sheet",
        headers=["email"],
        rows=[{"line": 2, "row": ["not-an-email"], "errors": ["Not an email address."], "match": None}],
    )


def _ideas(r: dict[str, Any], team_a: Team, now: Any) -> None:
    from chorus.ideas.models import Moderation

    r["challenge"] = ChallengeFactory(
        title="Better courts",
        description="Ideas for better courts",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
        team=team_a,
    )
    r["participant"] = ParticipantFactory(email=PARTICIPANT_EMAIL, name="Pavla Participant", confirmed_at=now)
    # Held for review: not public, and only team A's staff may see it.
    r["idea"] = IdeaFactory(
        challenge=r["challenge"],
        participant=r["participant"],
        title=f"Evening hearings {TEAM_A_MARK}",
        body="Hold hearings in the evening",
        moderation=Moderation.HELD,
        hold_reason="Personal data",
    )
    r["published_idea"] = IdeaFactory(
        challenge=r["challenge"], participant=r["participant"], title="Free parking", body="Please"
    )
    CommentFactory(
        idea=r["published_idea"],
        participant=r["participant"],
        body=f"Held comment {TEAM_A_MARK}",
        moderation="held",
    )


def _insights(r: dict[str, Any], team_a: Team, admin: User) -> None:
    from chorus.insights.datasets import catalogue_ensure
    from chorus.insights.models import Dataset

    catalogue_ensure()
    dataset = Dataset.objects.order_by("slug").first()
    assert dataset is not None
    DatasetVersionFactory(
        dataset=dataset,
        number=1,
        columns=[{"name": "count", "title": "Count", "description": "How many", "datatype": "integer"}],
        rows=[[12]],
        threshold=10,
        published_by=admin,
    )
    r["dataset"] = dataset
    series = PerceptionSeriesFactory(
        name=f"Partner survey {TEAM_A_MARK}", team=team_a, baseline=r["consultation"]
    )
    series.waves.add(r["consultation"])
    r["perception"] = series
    r["data_request"] = DataAccessRequestFactory(
        reference="DAR00001",
        name="Rhys Researcher",
        email=RESEARCHER_EMAIL,
        organisation="A university",
        purpose="Research",
        data_wanted="Counts",
        legal_basis="Public task",
        safeguards="Locked room",
    )


# How to fill each URL pattern's arguments from the world. A pattern with arguments that
# is not here fails the matrix with a message asking for an entry.
Args = Callable[[World], dict[str, Any]]


def _adjustments_token(w: World) -> str:
    from chorus.directory.adjustments import link_token

    return link_token(w.person)


def _webhook_delivery(w: World) -> Any:
    """A webhook endpoint the admin added, with one delivery in its log."""
    from chorus.webhooks.models import Delivery
    from chorus.webhooks.services import endpoint_create

    if "webhook_delivery" not in w.records:
        endpoint = endpoint_create(
            actor=w.admin,
            request=None,
            name="Digital team channel",
            url="https://hooks.example.org/chorus",
            events=["emerging_issue_flagged"],
            format="teams",
        )[0]
        # Off, so that the matrix's posts (test, send again) send nothing over the network.
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active"])
        w.records["webhook_delivery"] = Delivery.objects.create(
            endpoint=endpoint,
            kind="test",
            payload={"title": "Test"},
            retry_until=timezone.now(),
            status="failed",
        )
    return w.records["webhook_delivery"]


def _api_token(w: World) -> Any:
    """A staff API token the admin issued, made with the world (a record made inside a test
    is rolled back with it)."""
    from chorus.api.services import token_issue

    if "api_token" not in w.records:
        w.records["api_token"] = token_issue(
            actor=w.admin,
            request=None,
            name="Data platform",
            scopes=["people:read"],
            expires_at=timezone.now() + timedelta(days=30),
        )[0]
    return w.records["api_token"]


def _sso_group(w: World) -> Any:
    from chorus.accounts.models import SSOGroupMapping

    if "sso_group" not in w.records:
        w.records["sso_group"] = SSOGroupMapping.objects.create(group="chorus-officers", role=Role.VIEWER)
    return w.records["sso_group"]


ARGS: dict[str, Args] = {
    # core and accounts
    "core:site_page_edit": lambda w: {"slug": w.site_page.slug},
    "core:custom_field_edit": lambda w: {"code": w.custom_field.code},
    "core:export_status": lambda w: {"code": w.export.code},
    "core:export_download": lambda w: {"code": w.export.code},
    "accounts:set_password": lambda w: {"code": w.viewer.code, "token": "not-a-real-token"},
    "accounts:user_detail": lambda w: {"code": w.officer_a.code},
    "accounts:user_edit": lambda w: {"code": w.officer_a.code},
    "accounts:user_set_active": lambda w: {"code": w.officer_a.code},
    "accounts:user_reset_totp": lambda w: {"code": w.officer_a.code},
    "accounts:team_edit": lambda w: {"code": w.team_a.code},
    "accounts:sso_group_edit": lambda w: {"code": _sso_group(w).code},
    "accounts:sso_group_delete": lambda w: {"code": _sso_group(w).code},
    # directory
    "directory:person_detail": lambda w: {"code": w.person.code},
    "directory:person_edit": lambda w: {"code": w.person.code},
    "directory:person_adjustments": lambda w: {"code": w.person.code},
    "directory:person_adjustments_link": lambda w: {"code": w.person.code},
    "directory_public:adjustments_change": lambda w: {"token": _adjustments_token(w)},
    "directory:person_note": lambda w: {"code": w.person.code},
    "directory:person_assess": lambda w: {"code": w.person.code},
    "directory:person_consent": lambda w: {"code": w.person.code},
    "directory:person_group_add": lambda w: {"code": w.person.code},
    "directory:panel_detail": lambda w: {"code": w.panel.code},
    "directory:organisation_detail": lambda w: {"code": w.organisation.code},
    "directory:organisation_edit": lambda w: {"code": w.organisation.code},
    "directory:organisation_note": lambda w: {"code": w.organisation.code},
    "directory:organisation_assess": lambda w: {"code": w.organisation.code},
    "directory:duplicate_review": lambda w: {"code": w.duplicate.code},
    "directory:duplicate_merge": lambda w: {"code": w.duplicate.code},
    "directory:merge_undo": lambda w: {"code": w.merge.code},
    "directory:import_map": lambda w: {"code": w.import_job.code},
    "directory:import_check": lambda w: {"code": w.import_job.code},
    "directory:import_progress": lambda w: {"code": w.import_job.code},
    "directory:import_retry": lambda w: {"code": w.import_job.code},
    "directory:import_rejected": lambda w: {"code": w.import_job.code},
    "directory:subject_access_request": lambda w: {"code": w.person.code},
    "directory:subject_access_download": lambda w: {"code": w.subject_access.code},
    "directory:person_erase": lambda w: {"code": w.person.code},
    "directory:saved_search_detail": lambda w: {"code": w.saved_search.code},
    "directory:saved_search_edit": lambda w: {"code": w.saved_search.code},
    "directory:saved_search_delete": lambda w: {"code": w.saved_search.code},
    "directory:saved_search_export": lambda w: {"code": w.saved_search.code, "file_format": "csv"},
    # engagement
    "engagement:activity_detail": lambda w: {"code": w.activity.code},
    # events
    "events:register_details": lambda w: {"code": w.open_event.code},
    "events:register_questions": lambda w: {"code": w.open_event.code},
    "events:register_check": lambda w: {"code": w.open_event.code},
    "events:register_done": lambda w: {"code": w.open_event.code},
    "events:manage": lambda w: {"token": _registration_token(w)},
    "events:manage_change": lambda w: {"token": _registration_token(w)},
    "events:manage_cancel": lambda w: {"token": _registration_token(w)},
    "events:registration_settings": lambda w: {"code": w.activity.code},
    "events:registration_list": lambda w: {"code": w.activity.code},
    "events:registration_decide": lambda w: {"code": w.registration.code},
    "events:registration_decline": lambda w: {"code": w.registration.code},
    "events:invitations": lambda w: {"code": w.activity.code},
    "events:invited": lambda w: {"token": _invitation_token(w)},
    "events:evaluation": lambda w: {"token": _evaluation_token(w)},
    "events:checkin": lambda w: {"code": w.activity.code},
    "events:checkin_by_code": lambda w: {"code": w.activity.code},
    "events:checkin_walk_in": lambda w: {"code": w.activity.code},
    "events:checkin_mark": lambda w: {"code": w.registration.code},
    "events:materials": lambda w: {"code": w.activity.code},
    "events:materials_tell": lambda w: {"code": w.activity.code},
    "events:material_remove": lambda w: {"code": w.team_material_file.code},
    "events:public_materials": lambda w: {"code": w.past_event.code},
    "events:material_download": lambda w: {"code": w.past_event.code, "file": w.material_file.code},
    # cases
    "cases:public_form": lambda w: {"kind": "complaint"},
    "cases:public_done": lambda w: {"kind": "complaint"},
    "cases:satisfaction": lambda w: {"token": _satisfaction_token(w)},
    "cases:case_detail": lambda w: {"code": w.case.code},
    "cases:case_assign": lambda w: {"code": w.case.code},
    "cases:case_fields": lambda w: {"code": w.case.code},
    "cases:case_note": lambda w: {"code": w.case.code},
    "cases:case_reply": lambda w: {"code": w.case.code},
    "cases:case_escalate": lambda w: {"code": w.case.code},
    "cases:case_close": lambda w: {"code": w.case.code},
    "cases:case_reopen": lambda w: {"code": w.case.code},
    "cases:case_attachment": lambda w: {"code": w.case.code, "attachment": w.case_attachment.code},
    "engagement:email_detail": lambda w: {"code": w.logged_email.code},
    "engagement:email_attachment": lambda w: {
        "code": w.logged_email.code,
        "attachment": w.logged_email_attachment.code,
    },
    "engagement:email_file": lambda w: {"code": w.email_to_file.code},
    "engagement:email_discard": lambda w: {"code": w.email_to_file.code},
    "engagement:activity_briefing": lambda w: {"code": w.activity.code},
    "engagement:activity_briefing_pdf": lambda w: {"code": w.activity.code},
    "engagement:activity_edit": lambda w: {"code": w.activity.code},
    "engagement:attendee_set": lambda w: {"code": w.activity.code},
    "engagement:attendee_remove": lambda w: {"code": w.activity.code, "person": w.person.code},
    "engagement:attendance_import": lambda w: {"code": w.activity.code},
    "engagement:attendance_import_review": lambda w: {
        "code": w.activity.code,
        "job": w.attendance_import.code,
    },
    "engagement:material_add": lambda w: {"code": w.activity.code},
    "engagement:project_detail": lambda w: {"code": w.project.code},
    "engagement:project_edit": lambda w: {"code": w.project.code},
    "engagement:checkpoint_add": lambda w: {"code": w.project.code},
    "engagement:toolkit_item": lambda w: {"code": w.toolkit_item.code},
    "engagement:toolkit_edit": lambda w: {"code": w.toolkit_item.code},
    "engagement:toolkit_delete": lambda w: {"code": w.toolkit_item.code},
    "engagement:checkpoint_waive": lambda w: {"code": w.checkpoint.code},
    "engagement:checkpoint_reinstate": lambda w: {"code": w.checkpoint.code},
    "engagement:impact_create": lambda w: {"project": w.project.code},
    "engagement:impact_edit": lambda w: {"project": w.project.code, "code": w.impact.code},
    "engagement:impact_publish": lambda w: {"code": w.impact.code},
    "engagement:impact_share": lambda w: {"code": w.impact.code},
    "engagement:impact_update_add": lambda w: {"code": w.impact.code},
    "engagement:impact_participants": lambda w: {"code": w.impact.code},
    "engagement:public_impact": lambda w: {"code": w.impact.code},
    "engagement:public_event": lambda w: {"code": w.activity.code},
    "engagement:commitment_import_review": lambda w: {"job": w.commitment_import.code},
    "engagement:commitment_detail": lambda w: {"code": w.commitment.code},
    "engagement:commitment_edit": lambda w: {"code": w.commitment.code},
    "engagement:commitment_update_add": lambda w: {"code": w.commitment.code},
    "engagement:commitment_publish": lambda w: {"code": w.commitment.code},
    "engagement:commitment_evidence_remove": lambda w: {"code": w.commitment.code},
    # consultations
    "consultations:consultation_detail": lambda w: {"code": w.consultation.code},
    "consultations:consultation_edit": lambda w: {"code": w.consultation.code},
    "consultations:questions": lambda w: {"code": w.consultation.code},
    "consultations:document_add": lambda w: {"code": w.consultation.code},
    "consultations:document_staff_download": lambda w: {
        "code": w.consultation.code,
        "document": w.document.code,
    },
    "consultations:document_remove": lambda w: {"code": w.consultation.code, "document": w.document.code},
    "consultations:document_replace": lambda w: {"code": w.consultation.code, "document": w.document.code},
    "consultations:document_file_delete": lambda w: {
        "code": w.consultation.code,
        "document": w.document.code,
    },
    "consultations:consultation_equality": lambda w: {"code": w.consultation.code},
    "consultations:question_delete": lambda w: {"code": w.consultation.code, "question": w.question.code},
    "consultations:question_edit": lambda w: {"code": w.consultation.code, "question": w.question.code},
    "consultations:question_move": lambda w: {"code": w.consultation.code, "question": w.question.code},
    "consultations:section_edit": lambda w: {
        "code": w.consultation.code,
        "section": w.question.section.code,
    },
    "consultations:section_move": lambda w: {
        "code": w.consultation.code,
        "section": w.question.section.code,
    },
    "consultations:publish": lambda w: {"code": w.consultation.code},
    "consultations:preview": lambda w: {"code": w.consultation.code},
    "consultations:preview_page": lambda w: {"code": w.consultation.code, "number": 1},
    "consultations:duplicate": lambda w: {"code": w.consultation.code},
    "consultations:response_list": lambda w: {"code": w.consultation.code},
    "consultations:response_enter": lambda w: {"code": w.consultation.code},
    "consultations:response_import": lambda w: {"code": w.consultation.code},
    "consultations:response_import_check": lambda w: {
        "code": w.consultation.code,
        "job": w.response_import.code,
    },
    "consultations:response_import_problems": lambda w: {
        "code": w.consultation.code,
        "job": w.response_import.code,
    },
    "consultations:response_export": lambda w: {"code": w.consultation.code, "file_format": "csv"},
    "consultations:response_detail": lambda w: {"code": w.consultation.code, "response": w.response.code},
    "consultations:response_tag_add": lambda w: {"code": w.consultation.code, "response": w.response.code},
    "consultations:response_tag_remove": lambda w: {
        "code": w.consultation.code,
        "response": w.response.code,
        "tag": w.response_tag.code,
    },
    "consultations:response_note_add": lambda w: {"code": w.consultation.code, "response": w.response.code},
    "consultations:summary_report_pdf": lambda w: {"code": w.consultation.code},
    "consultations:moderation_queue": lambda w: {"code": w.consultation.code},
    "consultations:moderation_response": lambda w: {"code": w.consultation.code, "response": w.response.code},
    "consultations:moderation_redact": lambda w: {"code": w.consultation.code, "response": w.response.code},
    "consultations:help_update": lambda w: {"code": w.help_request.code},
    "consultations:public_consultation": lambda w: {"code": w.consultation.code},
    "consultations:help_request": lambda w: {"code": w.consultation.code},
    "consultations:document_download": lambda w: {"code": w.consultation.code, "document": w.document.code},
    "consultations:public_responses": lambda w: {"code": w.consultation.code},
    "consultations:public_responses_download": lambda w: {"code": w.consultation.code},
    "consultations:respond_start": lambda w: {"code": w.consultation.code},
    "consultations:respond_about": lambda w: {"code": w.consultation.code},
    "consultations:respond_section": lambda w: {"code": w.consultation.code, "number": 1},
    "consultations:respond_equality": lambda w: {"code": w.consultation.code},
    "consultations:respond_check": lambda w: {"code": w.consultation.code},
    "consultations:respond_done": lambda w: {"code": w.consultation.code},
    "consultations:respond_answers_pdf": lambda w: {"code": w.consultation.code},
    "consultations:respond_save": lambda w: {"code": w.consultation.code},
    "consultations:respond_resume": lambda w: {"code": w.consultation.code, "draft": w.draft.code},
    "consultations:public_consultation_impact": lambda w: {"code": w.consultation.code},
    # equality
    "equality:remove": lambda w: {"key": w.equality_record.key},
    # feedback
    "feedback:service_detail": lambda w: {"code": w.service.code},
    "feedback:service_edit": lambda w: {"code": w.service.code},
    "feedback:service_equality": lambda w: {"code": w.service.code},
    "feedback:feedback_export": lambda w: {"code": w.service.code},
    "feedback:exit_export": lambda w: {"code": w.service.code},
    "feedback:exit_survey": lambda w: {"slug": w.service.slug},
    "feedback:exit_equality": lambda w: {"slug": w.service.slug},
    "feedback:exit_done": lambda w: {"slug": w.service.slug},
    # analysis
    "analysis:source_detail": lambda w: {"code": w.social_source.code},
    "analysis:emerging": lambda w: {"code": w.service.code},
    "analysis:run_detail": lambda w: {"code": w.run.code},
    "analysis:run_responses": lambda w: {"code": w.run.code},
    "analysis:run_changes": lambda w: {"code": w.run.code},
    "analysis:run_retry": lambda w: {"code": w.run.code},
    "analysis:items_move": lambda w: {"code": w.run.code},
    "analysis:theme_create": lambda w: {"code": w.run.code},
    "analysis:item_sentiment": lambda w: {"code": w.run.code, "item": w.item.pk},
    "analysis:theme_detail": lambda w: {"code": w.run.code, "key": w.theme.key},
    "analysis:theme_rename": lambda w: {"code": w.run.code, "key": w.theme.key},
    "analysis:theme_lock": lambda w: {"code": w.run.code, "key": w.theme.key},
    "analysis:theme_merge": lambda w: {"code": w.run.code, "key": w.theme.key},
    "analysis:theme_split": lambda w: {"code": w.run.code, "key": w.theme.key},
    "analysis:theme_delete": lambda w: {"code": w.run.code, "key": w.theme.key},
    "analysis:themes_csv": lambda w: {"code": w.run.code},
    "analysis:assignments_csv": lambda w: {"code": w.run.code},
    "analysis:report": lambda w: {"code": w.run.code},
    "analysis:report_pdf": lambda w: {"code": w.run.code},
    "analysis:report_docx": lambda w: {"code": w.run.code},
    "analysis:review": lambda w: {"code": w.run.code},
    "analysis:review_start": lambda w: {"code": w.run.code},
    "analysis:review_sign_off": lambda w: {"code": w.run.code},
    "analysis:review_signed_off": lambda w: {"code": w.run.code},
    "analysis:review_reopen": lambda w: {"code": w.run.code},
    "analysis:review_code": lambda w: {"code": w.run.code},
    "analysis:sample_new": lambda w: {"code": w.run.code},
    "analysis:sample_detail": lambda w: {"code": w.sample.code},
    "analysis:sample_code_next": lambda w: {"code": w.sample.code},
    "analysis:sample_code": lambda w: {"code": w.sample.code, "position": 1},
    "analysis:sample_agreement": lambda w: {"code": w.sample.code},
    "analysis:sample_resolve": lambda w: {"code": w.sample.code, "position": 1},
    # bulletins
    "bulletins_tracking:click": lambda w: {"token": w.delivery.token, "number": w.link.number},
    "bulletins_tracking:opened": lambda w: {"token": w.delivery.token},
    "bulletins:confirm": lambda w: {"token": w.subscriber.token},
    "bulletins:manage": lambda w: {"token": w.subscriber.token},
    "bulletins:unsubscribe": lambda w: {"token": w.subscriber.token},
    "bulletins:bulletin_detail": lambda w: {"code": w.bulletin.code},
    "bulletins:bulletin_edit": lambda w: {"code": w.bulletin.code},
    "bulletins:bulletin_send": lambda w: {"code": w.bulletin.code},
    "bulletins:bulletin_test": lambda w: {"code": w.bulletin.code},
    "bulletins:arm_add": lambda w: {"code": w.bulletin.code},
    "bulletins:shareback": lambda w: {"code": w.impact.code},
    "bulletins:subscriber_import_check": lambda w: {"code": w.subscriber_import.code},
    "bulletins:subscriber_import_problems": lambda w: {"code": w.subscriber_import.code},
    # ideas
    "ideas:participant_confirm": lambda w: {"token": w.participant.token},
    "ideas:idea_detail": lambda w: {"code": w.idea.code},
    "ideas:idea_support": lambda w: {"code": w.idea.code},
    "ideas:idea_follow": lambda w: {"code": w.idea.code},
    "ideas:idea_comment": lambda w: {"code": w.idea.code},
    "ideas:report": lambda w: {"code": w.idea.code},
    "ideas:challenge_detail": lambda w: {"code": w.challenge.code},
    "ideas:idea_propose": lambda w: {"code": w.challenge.code},
    "ideas:idea_similar": lambda w: {"code": w.challenge.code},
    "ideas:staff_idea": lambda w: {"code": w.idea.code},
    "ideas:staff_challenge": lambda w: {"code": w.challenge.code},
    "ideas:challenge_edit": lambda w: {"code": w.challenge.code},
    "ideas:respond_theme": lambda w: {"code": w.challenge.code},
    "ideas:challenge_close": lambda w: {"code": w.challenge.code},
    "ideas:export": lambda w: {"code": w.challenge.code, "what": "ideas"},
    # insights
    "insights_files:dataset_csv": lambda w: {"slug": w.dataset.slug},
    "insights_files:dataset_csvw": lambda w: {"slug": w.dataset.slug},
    "insights_files:dataset_json": lambda w: {"slug": w.dataset.slug},
    "insights_files:api_dataset": lambda w: {"slug": w.dataset.slug},
    "insights:dataset_page": lambda w: {"slug": w.dataset.slug},
    "insights:staff_dataset": lambda w: {"slug": w.dataset.slug},
    "insights:consultation_record": lambda w: {"code": w.consultation.code},
    "insights:consultation_record_pdf": lambda w: {"code": w.consultation.code},
    "insights:consultation_record_zip": lambda w: {"code": w.consultation.code},
    "insights:equity_project": lambda w: {"code": w.project.code},
    "insights:perception": lambda w: {"code": w.perception.code},
    "insights:perception_edit": lambda w: {"code": w.perception.code},
    "insights:request_detail": lambda w: {"code": w.data_request.code},
    # The staff API: a call without a token is refused before any record is looked up.
    "api:token_revoke": lambda w: {"code": _api_token(w).code},
    "webhooks:endpoint_detail": lambda w: {"code": _webhook_delivery(w).endpoint.code},
    "webhooks:endpoint_edit": lambda w: {"code": _webhook_delivery(w).endpoint.code},
    "webhooks:endpoint_test": lambda w: {"code": _webhook_delivery(w).endpoint.code},
    "webhooks:endpoint_active": lambda w: {"code": _webhook_delivery(w).endpoint.code},
    "webhooks:delivery_replay": lambda w: {
        "code": _webhook_delivery(w).endpoint.code,
        "delivery": _webhook_delivery(w).code,
    },
    "api_v1:person_read": lambda w: {"code": w.person.code},
    "api_v1:person_update": lambda w: {"code": w.person.code},
    "api_v1:person_consent": lambda w: {"code": w.person.code},
    "api_v1:person_group_add": lambda w: {"code": w.person.code},
    "api_v1:person_membership_add": lambda w: {"code": w.person.code},
    "api_v1:person_adjustments": lambda w: {"code": w.person.code},
    "api_v1:organisation_read": lambda w: {"code": w.person.code},
    "api_v1:organisation_update": lambda w: {"code": w.person.code},
    "api_v1:activity_read": lambda w: {"code": w.person.code},
    "api_v1:activity_update": lambda w: {"code": w.person.code},
    "api_v1:attendance_list": lambda w: {"code": w.person.code},
    "api_v1:attendance_put": lambda w: {"code": w.activity.code, "person": w.person.code},
    "api_v1:consultation_read": lambda w: {"code": w.person.code},
    "api_v1:responses_list": lambda w: {"code": w.person.code},
    "api_v1:response_read": lambda w: {"code": w.person.code},
    "api_v1:service_feedback": lambda w: {"code": w.person.code},
    "api_v1:service_exit_survey": lambda w: {"code": w.person.code},
    "api_v1:run_read": lambda w: {"code": w.person.code},
    "api_v1:run_assignments": lambda w: {"code": w.person.code},
    "api_v1:subscriber_read": lambda w: {"code": w.person.code},
    "api_v1:idea_read": lambda w: {"code": w.person.code},
    "api_v1:idea_respond": lambda w: {"code": w.person.code},
    "api_v1:commitment_read": lambda w: {"code": w.person.code},
    "api_v1:commitment_change": lambda w: {"code": w.person.code},
    "api_v1:commitment_progress": lambda w: {"code": w.person.code},
    "api_v1:consultation_change": lambda w: {"code": w.person.code},
    "api_v1:response_create": lambda w: {"code": w.person.code},
    "api_v1:subscriber_update": lambda w: {"code": w.person.code},
    "api_v1:case_read": lambda w: {"code": w.person.code},
    "api_v1:service_read": lambda w: {"code": w.person.code},
    "api_v1:service_change": lambda w: {"code": w.person.code},
}
