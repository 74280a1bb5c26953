"""A moderation decision without a reason is shown on the post it is about."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chorus.ideas.models import Moderation
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def test_hiding_without_a_reason_shows_the_error_on_that_post(admin_client: Client) -> None:
    other = IdeaFactory(title="Bus lanes", moderation=Moderation.HELD)
    idea = IdeaFactory(title="More benches", moderation=Moderation.HELD)

    response = admin_client.post(
        reverse("ideas:moderation"), {"kind": "idea", "pk": idea.pk, "action": "hidden", "reason": ""}
    )

    assert response.status_code == 200
    body = response.content.decode()
    summary = body[body.index("govuk-error-summary") : body.index("</ul>", body.index("govuk-error-summary"))]
    assert f'href="#reason-{idea.pk}"' in summary and "Give a reason for your decision" in summary
    assert f'id="reason-{idea.pk}-error"' in body
    assert f'aria-describedby="reason-{idea.pk}-error"' in body
    assert f'id="reason-{other.pk}-error"' not in body
    assert f'id="hide-{idea.pk}" name="action" type="radio" value="hidden" checked' in body
    idea.refresh_from_db()
    assert idea.moderation == Moderation.HELD
