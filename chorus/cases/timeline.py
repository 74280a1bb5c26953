"""A person's cases on their directory timeline, through core's registry."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.cases.models import Case, Kind, Outcome, Stage, Status
from chorus.core.access import visible_to
from chorus.core.registry import TimelineEntry, timeline_provider
from chorus.directory.models import Person

if TYPE_CHECKING:
    from chorus.accounts.models import User


@timeline_provider
def person_cases(record: object, user: User) -> list[TimelineEntry]:
    if not isinstance(record, Person):
        return []
    entries = []
    cases = visible_to(user, Case.objects.filter(person=record))
    for case in cases.select_related("category").order_by("-received_on")[:100]:
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
