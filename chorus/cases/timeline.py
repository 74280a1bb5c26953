"""A person's cases on their directory timeline, through core's registry."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.cases.models import Case, Kind, Outcome, Stage, Status
from chorus.core.registry import TimelineEntry, timeline_provider
from chorus.directory.models import Person


@timeline_provider
def person_cases(record: object) -> list[TimelineEntry]:
    if not isinstance(record, Person):
        return []
    entries = []
    for case in Case.objects.filter(person=record).select_related("category").order_by("-received_on")[:100]:
        lines = [str(Status(case.status).label)]
        if case.stage:
            lines.append(str(Stage(case.stage).label))
        if case.outcome:
            lines.append(str(Outcome(case.outcome).label))
        if case.category:
            lines.append(case.category.name_en)
        at = timezone.make_aware(datetime.combine(case.received_on, time(9)))
        title = _("%(kind)s %(reference)s") % {"kind": Kind(case.kind).label, "reference": case.reference}
        entries.append(TimelineEntry(at=at, title=title, lines=lines))
    return entries
