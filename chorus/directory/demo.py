"""Demo directory: organisations, people (with realistic duplicates), groups, panels and topics."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from chorus.accounts.models import Role, Team, User
from chorus.core.demo import rows_load
from chorus.core.registry import Scale, demo_builder
from chorus.directory.linkage.synthetic import generate_people
from chorus.directory.models import (
    Adjustment,
    AdjustmentCategory,
    AdjustmentsRecord,
    Assessment,
    Consent,
    ContactPoint,
    GroupMembership,
    LawfulBasis,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Region,
    StakeholderGroup,
    Topic,
)
from chorus.directory.normalise import normalise_email, normalise_phone
from chorus.directory.reference import regions_ensure
from chorus.directory.search import person_index

TOPICS = [
    ("Family justice", "Cyfiawnder teuluol"),
    ("Civil courts", "Llysoedd sifil"),
    ("Tribunals", "Tribiwnlysoedd"),
    ("Crime and witnesses", "Troseddu a thystion"),
    ("Digital services", "Gwasanaethau digidol"),
    ("Accessibility", "Hygyrchedd"),
    ("Legal aid", "Cymorth cyfreithiol"),
    ("Housing", "Tai"),
    ("Domestic abuse", "Cam-drin domestig"),
    ("Youth justice", "Cyfiawnder ieuenctid"),
]
GROUPS = {
    "Legal professionals": ["Family law practitioners", "Criminal defence solicitors", "Barristers"],
    "Advice sector": ["Citizens Advice network", "Law centres"],
    "Judiciary": [],
    "Parliamentarians": [],
    "Public user groups": ["Disabled people's organisations", "Carers' groups"],
    "Academia": [],
    "Media": [],
}
PANELS = ["Court users' panel", "Youth council", "Tenants' panel"]
KIND_BY_SUFFIX = {
    "Law Centre": OrganisationKind.ADVICE,
    "Citizens Advice": OrganisationKind.ADVICE,
    "Advice Network": OrganisationKind.ADVICE,
    "Solicitors": OrganisationKind.LAW_FIRM,
    "Chambers": OrganisationKind.LAW_FIRM,
    "Trust": OrganisationKind.CHARITY,
    "Foundation": OrganisationKind.CHARITY,
    "Council": OrganisationKind.PUBLIC_BODY,
    "University": OrganisationKind.ACADEMIC,
}
JOB_TITLES = [
    "Solicitor",
    "Caseworker",
    "Policy officer",
    "Chief executive",
    "Volunteer",
    "Researcher",
    "Adviser",
    "Clerk",
    "Councillor",
    "Journalist",
    "Trustee",
    "",
]
NEEDS = [
    "Large print",
    "British Sign Language interpreter",
    "Easy read",
    "Hearing loop",
    "Information in Welsh",
]
ADJUSTMENTS = ["Step-free access", "Regular breaks", "A quiet room", "Papers a week in advance"]


def _groups() -> list[StakeholderGroup]:
    """The demo's stakeholder groups, each parent followed by its children."""
    groups: list[StakeholderGroup] = []
    for parent_name, children in GROUPS.items():
        parent, _ = StakeholderGroup.objects.get_or_create(name=parent_name, parent=None)
        groups.append(parent)
        groups += [StakeholderGroup.objects.get_or_create(name=child, parent=parent)[0] for child in children]
    return groups


def _contact_points(person: Person, email: str, phone: str) -> list[ContactPoint]:
    """A person's email and phone, where they have them, each the primary of its kind."""
    found = []
    if email:
        found.append(
            ContactPoint(
                person=person, kind="email", value=email, normalised=normalise_email(email), is_primary=True
            )
        )
    if phone:
        found.append(
            ContactPoint(
                person=person, kind="phone", value=phone, normalised=normalise_phone(phone), is_primary=True
            )
        )
    return found


@demo_builder("directory", after=["accounts"])
def build(scale: Scale, rng: random.Random) -> dict[str, int]:
    regions_ensure()
    regions = list(Region.objects.all())
    wales = next(r for r in regions if r.ons_code == "W92000004")
    topics = [Topic.objects.get_or_create(name_en=en, defaults={"name_cy": cy})[0] for en, cy in TOPICS]
    groups = _groups()
    panels = [
        StakeholderGroup.objects.get_or_create(name=name, parent=None, defaults={"is_panel": True})[0]
        for name in PANELS
    ]
    owners = list(User.objects.filter(role__in=[Role.ENGAGEMENT_OFFICER, Role.ADMINISTRATOR]))
    family = Team.objects.filter(name="Family justice").first()

    records = generate_people(scale.people, duplicate_rate=0.08, seed=rng.randint(0, 10**6))
    organisation_names = sorted({name for name in records["organisation"] if name})[: scale.organisations]
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=name,
                kind=KIND_BY_SUFFIX.get(
                    next((s for s in KIND_BY_SUFFIX if name.endswith(s)), ""), OrganisationKind.OTHER
                ),
                sector=rng.choice(["Legal", "Advice", "Public sector", "Voluntary", "Education"]),
            )
            for name in organisation_names
        ],
        batch_size=2000,
    )
    by_name = {o.name: o for o in organisations}
    rows_load(
        Organisation.regions.through,
        ["organisation", "region"],
        [(organisation.pk, rng.choice(regions).pk) for organisation in organisations[:2000]],
    )

    people: list[Person] = []
    wants: list[bool] = []
    for row in records.itertuples(index=False):
        region = wales if rng.random() < 0.3 else rng.choice(regions)
        # The draws in the order the fields used to take them, so the rest of the data stays the same.
        job_title = rng.choice(JOB_TITLES)
        language = "cy" if region == wales and rng.random() < 0.4 else "en"
        needs = rng.choice(NEEDS) if rng.random() < 0.08 else ""
        wants.append(rng.random() < 0.05 and bool(rng.choice(ADJUSTMENTS)))
        people.append(
            Person(
                first_name=row.first_name,
                last_name=row.surname,
                postcode=row.postcode,
                region=region,
                job_title=job_title,
                preferred_language=language,
                communication_needs=needs,
                owner=rng.choice(owners) if owners and rng.random() < 0.3 else None,
                team=family if family and rng.random() < 0.1 else None,
            )
        )
    people = Person.objects.bulk_create(people, batch_size=2000)
    _adjustments([p for p, wanted in zip(people, wants, strict=True) if wanted])
    contacts: list[ContactPoint] = []
    # Plain rows for the tables nothing reads back here (chorus.core.demo); the random draws
    # are the same, in the same order, as when they were model instances.
    memberships: list[tuple[object, ...]] = []
    group_memberships: list[GroupMembership] = []
    consents: list[tuple[object, ...]] = []
    assessments: list[tuple[object, ...]] = []
    topic_links: list[tuple[int, int]] = []
    today = timezone.localdate()
    for person, row in zip(people, records.itertuples(index=False), strict=True):
        contacts += _contact_points(person, row.email, row.phone)
        if row.organisation in by_name:
            memberships.append((person.pk, by_name[row.organisation].pk, person.job_title))
        if rng.random() < 0.6:
            group_memberships.append(GroupMembership(person=person, group=rng.choice(groups)))
        if rng.random() < 0.03:
            start = today - timedelta(days=rng.randint(30, 700))
            group_memberships.append(
                GroupMembership(
                    person=person, group=rng.choice(panels), start=start, end=start + timedelta(days=730)
                )
            )
        if rng.random() < 0.85:
            consents.append(
                (
                    person.pk,
                    "Engagement and bulletins",
                    rng.choice([LawfulBasis.CONSENT, LawfulBasis.PUBLIC_TASK]).value,
                    today - timedelta(days=rng.randint(1, 900)),
                    rng.choice(["Event sign-up form", "Bulletin sign-up", "Imported list", "Staff contact"]),
                )
            )
        if rng.random() < 0.05:
            assessments.append(
                (
                    person.pk,
                    rng.randint(1, 5),
                    rng.randint(1, 5),
                    rng.choice(["good", "fair", "poor", ""]),
                    rng.choice(owners).pk if owners else None,
                    today - timedelta(days=rng.randint(1, 365)),
                )
            )
        for topic in rng.sample(topics, rng.choice((0, 1, 1, 2, 3))):
            topic_links.append((person.pk, topic.pk))
    # These two ask to skip conflicting rows, which COPY cannot, so they stay with bulk_create.
    ContactPoint.objects.bulk_create(contacts, batch_size=5000, ignore_conflicts=True)
    GroupMembership.objects.bulk_create(group_memberships, batch_size=5000, ignore_conflicts=True)
    rows_load(Membership, ["person", "organisation", "role"], memberships)
    rows_load(Consent, ["person", "purpose", "lawful_basis", "given_on", "source"], consents)
    rows_load(
        Assessment, ["person", "influence", "interest", "health", "assessed_by", "assessed_on"], assessments
    )
    rows_load(Person.topics.through, ["person", "topic"], topic_links)
    for offset in range(0, len(people), 5000):
        person_index(people[offset : offset + 5000])
    return {
        "people": len(people),
        "organisations": len(organisations),
        "stakeholder groups": len(groups) + len(panels),
    }


# Needs and how often a person with adjustments has each (one to three of them).
DEMO_NEEDS = [
    (AdjustmentCategory.STEP_FREE, "", 5),
    (AdjustmentCategory.HEARING_LOOP, "", 3),
    (AdjustmentCategory.QUIET_SPACE, "Regular breaks, about every hour", 3),
    (AdjustmentCategory.SEATING, "Near the front, to lip-read", 2),
    (AdjustmentCategory.FORMATS, "Papers a week in advance, in 16 point", 2),
    (AdjustmentCategory.BSL_INTERPRETER, "", 1),
    (AdjustmentCategory.EASY_READ, "", 1),
    (AdjustmentCategory.WELSH, "", 1),
    (AdjustmentCategory.COMPANION, "Comes with a support worker", 1),
    (AdjustmentCategory.EXTRA_TIME, "", 1),
    (AdjustmentCategory.OTHER, "A room away from the lift: the noise sets off tinnitus", 1),
]


def _adjustments(people: list[Person]) -> None:
    """Structured reasonable adjustments for the demo's people who have them, with their own
    random stream so that the rest of the directory stays as it was."""
    rng = random.Random("2026:directory-adjustments")  # noqa: S311  (repeatable demo data)
    today = timezone.localdate()
    records = AdjustmentsRecord.objects.bulk_create(
        [
            AdjustmentsRecord(
                person=person,
                share_event_team=rng.random() < 0.85,
                share_venue=rng.random() < 0.5,
                share_other_services=rng.random() < 0.3,
                review_on=today + timedelta(days=rng.randint(-20, 365)),
                recorded_via=rng.choice(list(AdjustmentsRecord.Source)),
            )
            for person in people
        ],
        batch_size=2000,
    )
    weights = [weight for *_, weight in DEMO_NEEDS]
    rows: list[Adjustment] = []
    for record in records:
        picks = rng.choices(range(len(DEMO_NEEDS)), weights, k=rng.randint(1, 3))
        for category, details, _ in (DEMO_NEEDS[k] for k in sorted(set(picks))):
            rows.append(Adjustment(record=record, category=category, details=details))
    Adjustment.objects.bulk_create(rows, batch_size=5000)


@demo_builder("directory-duplicates", after=["directory"])
def find_demo_duplicates(scale: Scale, rng: random.Random) -> dict[str, int]:
    """Run the linkage model so that the review queue has the demo's duplicates in it."""
    from chorus.directory.duplicates import duplicates_find

    return {"possible duplicate pairs": duplicates_find()}


PLACES = [
    (
        "Cardiff Civil and Family Justice Centre",
        "Cardiff Civil Justice Centre\nCardiff family court",
        "2 Park Street, Cardiff",
        "CF10 1ET",
        "W92000004",
    ),
    (
        "Swansea Civil Justice Centre",
        "Swansea court\nSwansea CJC",
        "Caravella House, Quay West, Swansea",
        "SA1 1SP",
        "W92000004",
    ),
    ("Royal Courts of Justice", "RCJ\nThe Strand courts", "Strand, London", "WC2A 2LL", "E12000007"),
    (
        "Manchester Civil Justice Centre",
        "Manchester CJC\nThe filing cabinet",
        "1 Bridge Street West, Manchester",
        "M60 9DJ",
        "E12000002",
    ),
    (
        "Leeds Combined Court Centre",
        "Leeds court\nLeeds Combined Court",
        "1 Oxford Row, Leeds",
        "LS1 3BG",
        "E12000003",
    ),
    ("Online", "Teams\nZoom\nVideo call\nWebinar", "", "", None),
]


@demo_builder("places", after=["directory"])
def build_places(scale: Scale, rng: random.Random) -> dict[str, int]:
    from chorus.directory.models import Place

    regions = {r.ons_code: r for r in Region.objects.all()}
    for name, other_names, address, postcode, region in PLACES:
        Place.objects.get_or_create(
            name=name,
            defaults={
                "other_names": other_names,
                "address": address,
                "postcode": postcode,
                "region": regions.get(region) if region else None,
                "step_free": True,
                "hearing_loop": rng.random() < 0.7,
            },
        )
    return {"places": len(PLACES)}


@demo_builder("saved-searches", after=["directory"])
def build_saved_searches(scale: Scale, rng: random.Random) -> dict[str, int]:
    """Two saved searches of the directory: one everyone may use, one for the family team."""
    from chorus.directory.models import SavedSearch

    officer = User.objects.filter(email="officer@demo.chorus.test").first()
    family = Team.objects.filter(name="Family justice").first()
    wales = Region.objects.filter(ons_code="W92000004").first()
    topic = Topic.objects.filter(name_en="Family justice").first()
    if wales is None or topic is None:
        return {"saved searches": 0}
    searches = [
        ("People in Wales", {"region": [str(wales.pk)]}, None),
        ("Family justice contacts in Wales", {"region": [str(wales.pk)], "topic": [str(topic.pk)]}, family),
    ]
    for name, filters, team in searches:
        SavedSearch.objects.get_or_create(
            name=name, owner=officer, defaults={"filters": filters, "team": team}
        )
    return {"saved searches": len(searches)}
