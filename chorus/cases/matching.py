"""Who a case's person is in the directory, matched as event registrants and sign-up lists
are: the directory import's matcher (``match_people``: same email, otherwise the linkage
model's probable match). Someone with the same email is linked; otherwise a new person is
added (the lawful basis is the organisation's public task of answering them), and a
probable match goes to the directory's duplicate review beside them."""

from __future__ import annotations

import math

from django.db import transaction
from django.utils import timezone

from chorus.cases.models import Case
from chorus.core.imports.rows import CheckedRow
from chorus.core.tasks import background
from chorus.directory.import_people import match_people
from chorus.directory.models import Consent, DuplicateCandidate, LawfulBasis, Person
from chorus.directory.services import PersonData, person_create

PURPOSE = "Answering an enquiry, complaint, compliment or suggestion"


def _names(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return "", name.strip()
    return " ".join(parts[:-1]), parts[-1]


def case_match_directory(case_id: int) -> Person | None:
    """Link the case to its person (adding them where none matches). None for a case with
    nothing to match on, or one already linked."""
    case = Case.objects.filter(pk=case_id, person__isnull=True).first()
    if case is None or not (case.name or case.email):
        return None
    first, last = _names(case.name)
    row = CheckedRow(
        line=1,
        values={"first_name": first, "last_name": last, "email": case.email, "phone": case.phone},
    )
    found = match_people([row]).get("1")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.person_id is not None:
            return case.person
        if found and found["why"] != "probable match":
            person = Person.objects.get(code=found["person"])
        else:
            person = person_create(
                actor=None,
                source=f"Case {case.reference}",
                data=PersonData(
                    last_name=last[:100] or case.email[:100],
                    first_name=first[:100],
                    preferred_language=case.language,
                    team=case.team,
                    emails=[case.email] if case.email else [],
                    phones=[case.phone] if case.phone else [],
                ),
            )
            Consent.objects.create(
                person=person,
                purpose=PURPOSE,
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                given_on=timezone.localdate(),
                source=f"Case {case.reference}"[:200],
            )
            probable = Person.objects.filter(code=found["person"]).first() if found else None
            if probable is not None and probable.pk != person.pk and found:
                a, b = sorted((person.pk, probable.pk))
                p = min(max(float(found["probability"]), 1e-6), 1 - 1e-6)
                DuplicateCandidate.objects.get_or_create(
                    person_a_id=a,
                    person_b_id=b,
                    defaults={"match_probability": p, "match_weight": math.log2(p / (1 - p))},
                )
        case.person = person
        case.save(update_fields=["person", "updated_at"])
    return person


@background(queue="default")
def case_match_task(case_id: int) -> str:
    person = case_match_directory(case_id)
    return str(person.code) if person else ""
