"""Demo engagement: programmes, projects and two years of activities with attendance."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from chorus.accounts.models import Role, Team, User
from chorus.core.demo import rows_load
from chorus.core.registry import Scale, demo_builder
from chorus.directory.models import Person, Place, Region, StakeholderGroup, Topic
from chorus.directory.services import people_first_attended_refresh
from chorus.engagement.models import (
    Activity,
    ActivityType,
    Attendance,
    Material,
    Programme,
    Project,
    Stage,
    ToolkitItem,
    stages_ensure,
)

PROGRAMMES = {
    "Family justice reform": ["Online divorce", "Child arrangements", "Domestic abuse protection orders"],
    "Civil and tribunals": ["Online money claims", "Employment tribunal digital service"],
    "Courts and tribunals estate": ["Court accessibility improvements", "Video hearings"],
}
TITLES = {
    ActivityType.USER_FORUM: ["{project} user forum", "Court users' forum: {project}"],
    ActivityType.WEBINAR: ["Webinar: what's changing in {project}", "{project}: questions and answers"],
    ActivityType.EVENT: ["{project} open day", "Drop-in session: {project}"],
    ActivityType.MEETING: ["Meeting with advice sector on {project}"],
    ActivityType.ROUNDTABLE: ["Roundtable: {project}"],
    ActivityType.STRATEGIC_GROUP: ["Strategic engagement group: {project}"],
    ActivityType.VISIT: ["Site visit: {project}"],
    ActivityType.BULLETIN: ["{project} bulletin"],
    ActivityType.SOCIAL_MEDIA: ["{project} social media campaign"],
    ActivityType.SURVEY: ["{project} user survey"],
}
PUBLIC = {ActivityType.USER_FORUM, ActivityType.WEBINAR, ActivityType.EVENT}


def _projects(stage_slugs: list[str], rng: random.Random) -> list[Project]:
    """The demo programmes' projects, each at a random stage and with a random team."""
    teams = list(Team.objects.all())
    projects = []
    for programme_name, names in PROGRAMMES.items():
        programme, _ = Programme.objects.get_or_create(name=programme_name)
        for name in names:
            project, _ = Project.objects.get_or_create(
                programme=programme,
                name=name,
                defaults={
                    "stage_id": rng.choice(stage_slugs),
                    "team": rng.choice(teams) if teams else None,
                },
            )
            projects.append(project)
    return projects


def _activities_link(activities: list[Activity], projects: list[Project], rng: random.Random) -> None:
    """Give each activity a project and, where there are any, a region, a group and a topic."""
    regions = list(Region.objects.all())
    groups = list(StakeholderGroup.objects.all())
    topics = list(Topic.objects.all())
    links: dict[str, list[Any]] = {"projects": [], "regions": [], "groups": [], "topics": []}
    for activity in activities:
        links["projects"].append(
            Activity.projects.through(activity_id=activity.pk, project_id=rng.choice(projects).pk)
        )
        if regions:
            links["regions"].append(
                Activity.regions.through(activity_id=activity.pk, region_id=rng.choice(regions).pk)
            )
        if groups:
            links["groups"].append(
                Activity.groups.through(activity_id=activity.pk, stakeholdergroup_id=rng.choice(groups).pk)
            )
        if topics:
            links["topics"].append(
                Activity.topics.through(activity_id=activity.pk, topic_id=rng.choice(topics).pk)
            )
    for name, rows in links.items():
        getattr(Activity, name).through.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


def _attendance_add(activities: list[Activity], scale: Scale, rng: random.Random, now: datetime) -> int:
    """Sign people up to the activities that meet (most came to those in the past); returns
    how many attendance records were written."""
    people = list(Person.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    if not people:
        return 0
    per_activity = max(1, scale.attendance // max(1, len(activities)))
    rows = []
    for activity in activities:
        if activity.kind in (ActivityType.BULLETIN, ActivityType.SOCIAL_MEDIA):
            continue
        past = activity.starts_at < now
        for person_id in rng.sample(people, min(len(people), rng.randint(1, per_activity * 2))):
            rows.append((activity.pk, person_id, "accepted", past and rng.random() < 0.85))
    attendance_rows = rows_load(Attendance, ["activity", "person", "invitation", "attended"], rows)
    people_first_attended_refresh()
    return attendance_rows


@demo_builder("engagement", after=["accounts", "directory", "places"])
def build(scale: Scale, rng: random.Random) -> dict[str, int]:
    stages_ensure()
    stage_slugs = list(Stage.objects.order_by("order").values_list("slug", flat=True)[:4])
    projects = _projects(stage_slugs, rng)
    organisers = list(User.objects.filter(role__in=[Role.ENGAGEMENT_OFFICER, Role.ADMINISTRATOR]))
    places = list(Place.objects.exclude(name="Online"))
    now = timezone.now()
    kinds = list(TITLES)
    weights = [8, 5, 4, 6, 2, 2, 1, 2, 1, 1]
    activities = []
    for _i in range(scale.activities):
        kind = rng.choices(kinds, weights)[0]
        project = rng.choice(projects)
        starts = now - timedelta(days=rng.randint(-60, 730), hours=rng.randint(0, 8))
        starts = starts.replace(minute=0, second=0, microsecond=0)
        online = kind in (ActivityType.WEBINAR,) or rng.random() < 0.2
        activities.append(
            Activity(
                kind=kind,
                title=rng.choice(TITLES[kind]).format(project=project.name),
                starts_at=starts,
                ends_at=starts + timedelta(hours=rng.choice((1, 2, 3))),
                place=None if online or not places else rng.choice(places),
                online_link="https://meet.example.org/" + str(rng.randint(1000, 9999)) if online else "",
                organiser=rng.choice(organisers) if organisers else None,
                summary=f"Discussion of {project.name}: what is working and what should change.",
                unlisted_attendees=rng.randint(0, 25)
                if kind not in (ActivityType.BULLETIN, ActivityType.SOCIAL_MEDIA)
                else 0,
                recipients=rng.randint(500, 5000) if kind == ActivityType.BULLETIN else 0,
                impressions=rng.randint(2000, 40000) if kind == ActivityType.SOCIAL_MEDIA else 0,
                is_public=kind in PUBLIC and rng.random() < 0.7,
            )
        )
    activities = Activity.objects.bulk_create(activities, batch_size=2000)
    _activities_link(activities, projects, rng)
    materials = [
        Material(
            activity=a,
            kind=rng.choice(["slides", "recording", "qa"]),
            title=f"{a.title}: slides and notes",
            url=f"https://documents.example.org/{a.code}",
        )
        for a in activities
        if a.is_public and a.starts_at < now
    ]
    Material.objects.bulk_create(materials, batch_size=5000)
    attendance_rows = _attendance_add(activities, scale, rng, now)
    return {"projects": len(projects), "activities": len(activities), "attendance records": attendance_rows}


IMPACT = [
    (
        "People could not find the form to apply online.",
        "We put the link on the start page and in the court letters.",
        "Rhoesom y ddolen ar y dudalen gychwyn ac yn llythyrau'r llys.",
    ),
    (
        "Hearing times clashed with school pick-up.",
        "Family hearings now start at 10:00 and avoid 15:00 to 15:30.",
        "Mae gwrandawiadau teulu bellach yn dechrau am 10:00 ac yn osgoi 15:00 i 15:30.",
    ),
    (
        "The letters used legal words people did not understand.",
        "We rewrote 12 letters in plain English and Welsh, tested with users.",
        "Ailysgrifennwyd 12 llythyr mewn Cymraeg a Saesneg clir, wedi'u profi gyda defnyddwyr.",
    ),
    (
        "Video hearings were hard to join on a phone.",
        "We added a phone-friendly joining page and a practice call.",
        "Ychwanegwyd tudalen ymuno sy'n addas i ffonau a galwad ymarfer.",
    ),
]


@demo_builder("impact", after=["engagement"])
def build_impact(scale: Scale, rng: random.Random) -> dict[str, int]:
    from chorus.engagement.models import ImpactRecord

    now = timezone.now()
    created = 0
    for project in Project.objects.all():
        past = list(project.activities.filter(starts_at__lt=now).order_by("-starts_at")[:3])
        for you_said, we_did, we_did_cy in rng.sample(IMPACT, 2):
            record = ImpactRecord.objects.create(
                project=project,
                you_said=you_said,
                we_did=we_did,
                we_did_cy=we_did_cy,
                decided_by="Project board",
                decided_on=(now - timedelta(days=rng.randint(10, 300))).date(),
                is_published=rng.random() < 0.7,
                shared_back_on=(now - timedelta(days=rng.randint(1, 9))).date()
                if rng.random() < 0.5
                else None,
                shared_back_how="Email to everyone who took part",
            )
            record.activities.set(past)
            created += 1
    return {"you said, we did records": created}


@demo_builder("checkpoints", after=["engagement"])
def build_checkpoints(scale: Scale, rng: random.Random) -> dict[str, int]:
    from chorus.engagement.models import Attendance, Checkpoint
    from chorus.engagement.participation import members

    groups = list(StakeholderGroup.objects.filter(parent__isnull=True, is_panel=False))
    today = timezone.localdate()
    created = 0
    projects = list(Project.objects.all())
    for number, project in enumerate(projects):
        chosen = rng.sample(groups, min(2, len(groups)))
        for group in chosen:
            Checkpoint.objects.get_or_create(
                project=project,
                stage=project.stage,
                group=group,
                defaults={"due_on": today + timedelta(days=rng.randint(-45, 90))},
            )
            created += 1
        if number % 3 == 0 and chosen:
            # A group this project has not reached yet, so the demo shows overdue checkpoints:
            # its activities still targeted the group, but the group's people who were
            # invited did not come (a checkpoint is met by people taking part, not by plans).
            missed = chosen[0]
            no_shows = Attendance.objects.filter(
                activity__projects=project, person__in=Person.objects.filter(members(missed)).values("pk")
            )
            no_shows.update(attended=False)
            people_first_attended_refresh(no_shows.values("person_id"))
            due_on = today - timedelta(days=rng.randint(5, 40))
            for checkpoint in Checkpoint.objects.filter(project=project, group=missed):
                checkpoint.due_on = due_on
                checkpoint.save(update_fields=["due_on"])
    return {"checkpoints": created}


# (kind, title, title in Welsh, made by or to, source document, months from now it is due,
#  status, published, latest note)
COMMITMENTS = [
    (
        "recommendation",
        "Publish the court fees review in plain English",
        "Cyhoeddi'r adolygiad o ffioedd llys mewn iaith glir",
        "Justice Select Committee",
        "Court fees and access to justice, recommendation 4",
        -1,
        "on_track",
        True,
        "The first draft is with the plain English team.",
    ),
    (
        "recommendation",
        "Report each year how many people were helped to use online services",
        "Adrodd bob blwyddyn faint o bobl a gafodd help i ddefnyddio gwasanaethau ar-lein",
        "Public Accounts Committee",
        "Digital reform programme, recommendation 2",
        5,
        "at_risk",
        True,
        "The figures from the helpline are not yet reliable.",
    ),
    (
        "recommendation",
        "Involve disabled court users before changing a building",
        "Cynnwys defnyddwyr llys anabl cyn newid adeilad",
        "LGA peer review",
        "Peer review report, section 3",
        2,
        "not_started",
        False,
        "",
    ),
    (
        "action",
        "Hold a user forum in north Wales every quarter",
        "Cynnal fforwm defnyddwyr yng ngogledd Cymru bob chwarter",
        "Engagement strategy 2026",
        "Engagement strategy 2026, action plan item 7",
        -2,
        "late",
        True,
        "The spring forum moved to June when the venue closed.",
    ),
    (
        "action",
        "Offer every consultation in Easy Read",
        "",
        "Engagement strategy 2026",
        "Engagement strategy 2026, action plan item 3",
        8,
        "on_track",
        False,
        "",
    ),
    (
        "promise",
        "Add a practice call before every video hearing",
        "Ychwanegu galwad ymarfer cyn pob gwrandawiad fideo",
        "",
        "",
        -3,
        "done",
        True,
        "Practice calls are now offered in every booking email.",
    ),
]


@demo_builder("commitments", after=["impact"])
def build_commitments(scale: Scale, rng: random.Random) -> dict[str, int]:
    from chorus.engagement.models import Commitment, CommitmentUpdate, ImpactRecord

    today = timezone.localdate()
    projects = list(Project.objects.select_related("team").order_by("name"))
    owners = list(User.objects.filter(role=Role.ENGAGEMENT_OFFICER).order_by("email"))
    created = 0
    for kind, title, title_cy, body, source, months, status, published, note in COMMITMENTS:
        project = rng.choice(projects) if projects else None
        commitment = Commitment.objects.create(
            kind=kind,
            title=title,
            title_cy=title_cy,
            source_body=body,
            source=source,
            source_date=today - timedelta(days=rng.randint(120, 400)),
            owner=rng.choice(owners) if owners else None,
            team=project.team if project else None,
            project=project,
            impact_record=ImpactRecord.objects.filter(project=project).first() if kind == "promise" else None,
            due_on=today + timedelta(days=30 * months),
            status=status,
            is_published=published,
        )
        if project is not None:
            commitment.activities.set(project.activities.order_by("-starts_at")[:2])
        if note:
            CommitmentUpdate.objects.create(
                commitment=commitment, status=status, note=note, on=today - timedelta(days=rng.randint(3, 40))
            )
        created += 1
    return {"commitments": created}


TOOLKIT = [
    (
        "guidance",
        "Planning a public user forum",
        "Cynllunio fforwm defnyddwyr cyhoeddus",
        "Who to invite, how to run it, and what to record afterwards.",
        "## Before the forum\n\n- Decide what you want to learn and what you can still change.\n"
        "- Invite a mix of people who use the service, including people who find it hard.\n"
        "- Ask everyone about communication needs and reasonable adjustments when they sign up.\n\n"
        "## On the day\n\nStart with what changed since the last forum. "
        "Leave half the time for questions.\n\n"
        "## Afterwards\n\nRecord the activity and who came in Chorus the same week, add the slides and "
        "the questions and answers, and record what you will do as a “you said, we did” record.",
        "",
    ),
    (
        "guidance",
        "Accessible events checklist",
        "Rhestr wirio digwyddiadau hygyrch",
        "Venues, materials and online events that everyone can take part in.",
        "- Step-free access, a hearing loop and accessible toilets at the venue.\n"
        "- Slides sent two days before; large print and Easy Read on request.\n"
        "- Captions on every webinar and recording.\n- Welsh language provision for events in Wales.",
        "",
    ),
    (
        "activity_plan",
        "Quarterly user forum",
        "Fforwm defnyddwyr chwarterol",
        "A two-hour forum for people who use the service and those who support them.",
        "Agenda: what changed since the last forum (20 minutes); the question of the quarter "
        "(40 minutes in groups); open questions (40 minutes); what happens next (20 minutes).",
        "user_forum",
    ),
    (
        "invitation",
        "Invitation to a user forum",
        "Gwahoddiad i fforwm defnyddwyr",
        "Email text with the event's details filled in.",
        "You are invited to {title} on {date} at {time}, {place}.\n\n{summary}\n\n"
        "Join online: {link}\n\nTell us about any communication needs or adjustments when you reply.",
        "",
    ),
    (
        "consultation",
        "Consultation on a change to a service",
        "Ymgynghoriad ar newid i wasanaeth",
        "The questions most consultations on a service change ask.",
        "## Questions\n\n- Do you agree or disagree with the proposal? (agree/disagree scale)\n"
        "- Why? (free text)\n- How would the change affect you or the people you support? (free text)\n"
        "- Is there anything we should do to reduce any negative effect? (free text)",
        "",
    ),
    (
        "survey",
        "Exit survey for a digital service",
        "Arolwg gadael ar gyfer gwasanaeth digidol",
        "The standard satisfaction, effort and help questions.",
        "- Overall, how did you feel about the service you received today? (five-point rating)\n"
        "- How easy was it to use? (five-point rating)\n- Did you need help to use it? (yes/no)\n"
        "- How could we improve it? (free text)",
        "",
    ),
]


@demo_builder("toolkit", after=["directory"])
def build_toolkit(scale: Scale, rng: random.Random) -> dict[str, int]:
    created = 0
    for kind, title, title_cy, summary, body, activity_kind in TOOLKIT:
        _item, made = ToolkitItem.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "title_cy": title_cy,
                "summary": summary,
                "body": body,
                "activity_kind": activity_kind,
            },
        )
        created += made
    groups = list(StakeholderGroup.objects.filter(parent__isnull=True, is_panel=False).order_by("name")[:3])
    if groups:
        _item, made = ToolkitItem.objects.get_or_create(
            title="Digital service: alpha and beta checkpoints",
            defaults={
                "kind": "checkpoint_set",
                "title_cy": "Gwasanaeth digidol: pwyntiau gwirio alffa a beta",
                "summary": "Who a digital service must have engaged before alpha and beta close.",
                "body": "Use this set when a digital service starts its alpha.",
                "checkpoints": [
                    {"stage": "alpha", "group": groups[0].name, "days": 30},
                    {"stage": "alpha", "group": groups[-1].name, "days": 60},
                    {"stage": "beta", "group": groups[0].name, "days": 150},
                ],
            },
        )
        created += made
    return {"toolkit items": created}
