"""Demo consultations: two years of them across the demo projects, some open now."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from chorus.consultations.models import Consultation
from chorus.core.registry import Scale, demo_builder
from chorus.directory.models import Region, Topic
from chorus.engagement.models import ImpactRecord, Project

SUBJECTS = [
    ("Changes to {project}", "Newidiadau i {project}"),
    ("Your experience of {project}", "Eich profiad o {project}"),
    ("Proposals for the future of {project}", "Cynigion ar gyfer dyfodol {project}"),
    ("Making {project} easier to use", "Gwneud {project} yn haws i'w ddefnyddio"),
]
BODY = (
    "## What we propose\n\n"
    "We want to make {project} simpler, faster and fairer for the people who use it.\n\n"
    "## Who we want to hear from\n\n- people who have used {project}\n- the organisations that support them\n"
    "- legal professionals and the judiciary"
)


@demo_builder("consultations", order=34)
def build_consultations(scale: Scale, rng: random.Random) -> dict[str, int]:
    projects = list(Project.objects.all())
    if not projects:
        return {"consultations": 0}
    topics = list(Topic.objects.all())
    regions = list(Region.objects.all())
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    made = []
    for number in range(scale.consultations):
        project = rng.choice(projects)
        title, title_cy = rng.choice(SUBJECTS)
        # Spread over two years; the last few open now or soon.
        opens = (
            now - timedelta(days=rng.randint(-40, 720)) if number >= 3 else now - timedelta(days=10 * number)
        )
        made.append(
            Consultation(
                kind=rng.choice(["consultation", "consultation", "survey"]),
                title=title.format(project=project.name),
                title_cy=title_cy.format(project=project.name),
                summary=f"Tell us what you think about our proposals for {project.name}.",
                summary_cy=f"Dywedwch wrthym beth yw eich barn am ein cynigion ar gyfer {project.name}.",
                body=BODY.format(project=project.name),
                opens_at=opens,
                closes_at=opens + timedelta(weeks=rng.choice((6, 8, 12))),
                project=project,
                is_published=rng.random() < 0.9,
            )
        )
    created = Consultation.objects.bulk_create(made)
    for consultation in created:
        if topics:
            consultation.topics.add(rng.choice(topics))
        if regions and rng.random() < 0.5:
            consultation.regions.add(rng.choice(regions))
    linked = 0
    for record in ImpactRecord.objects.filter(consultations__isnull=True).select_related("project"):
        closed = [c for c in created if c.project_id == record.project_id and c.closes_at < now]
        if closed and rng.random() < 0.5:
            record.consultations.add(rng.choice(closed))
            linked += 1
    return {"consultations": len(created), "impact records linked to consultations": linked}
