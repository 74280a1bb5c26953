from __future__ import annotations

from typing import Any

import pytest

from chorus.accounts.models import Team
from chorus.cases.models import Case, Kind
from chorus.cases.services import CaseData, case_open


def open_case(*, team: Team | None = None, kind: str = Kind.COMPLAINT, **values: Any) -> Case:
    """A case as staff would record it (no email sent, no matching queued outside a commit)."""
    data = CaseData(
        kind=kind,
        channel=values.pop("channel", "phone"),
        description=values.pop("description", "The hearing loop in court 2 did not work."),
        name=values.pop("name", "Carys Complainant"),
        email=values.pop("email", "carys@contact.example"),
        team=team,
        **values,
    )
    return case_open(actor=None, data=data, acknowledge=False)


@pytest.fixture
def team_case(team: Team) -> Case:
    return open_case(team=team)
