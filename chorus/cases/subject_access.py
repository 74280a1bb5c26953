"""A person's subject access file holds their cases (found by the directory, since a case
points at the person) and what hangs off those cases: staff notes, the replies sent to
them and their answers to the satisfaction survey. Attachments are listed in the case's
own file; the files themselves are fetched from the case page when the request is
answered."""

from __future__ import annotations

from chorus.cases.models import CaseAttachment, CaseEmail, CaseNote, CaseReply, SatisfactionSurvey
from chorus.core.registry import subject_access_provider


@subject_access_provider
def case_records(person: object) -> dict[str, list[object]]:
    person_id: int = getattr(person, "pk", 0)
    return {
        "casenote.csv": list(
            CaseNote.objects.filter(case__person_id=person_id).order_by("case_id", "created_at")
        ),
        "casereply.csv": list(
            CaseReply.objects.filter(case__person_id=person_id).order_by("case_id", "created_at")
        ),
        "caseemail.csv": list(
            CaseEmail.objects.filter(case__person_id=person_id).order_by("case_id", "created_at")
        ),
        "caseattachment.csv": list(
            CaseAttachment.objects.filter(case__person_id=person_id).order_by("case_id", "pk")
        ),
        # What they told us of how their cases were handled, in their own words too.
        "satisfactionsurvey.csv": list(
            SatisfactionSurvey.objects.filter(case__person_id=person_id, answered_at__isnull=False).order_by(
                "case_id"
            )
        ),
    }
