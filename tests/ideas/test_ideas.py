"""Idea challenges: taking part with a confirmed email, proposing with similar ideas shown,
supporting once, commenting, moderation, themes and merging, responses and closing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.engagement.models import Activity
from chorus.ideas import services
from chorus.ideas.models import (
    Challenge,
    Comment,
    Follow,
    Idea,
    Moderation,
    ModerationDecision,
    Participant,
    Support,
)
from chorus.ideas.views.public import SALT
from tests.factories import ChallengeFactory, CommentFactory, IdeaFactory, ParticipantFactory, SupportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick(settings) -> None:
    settings.CHORUS_RESPOND_LEAST_SECONDS = 0


@pytest.fixture
def challenge(team) -> Challenge:
    now = timezone.now()
    return ChallengeFactory(
        title="How could we make our courts easier to use?",
        title_cy="Sut gallem wneud ein llysoedd yn haws eu defnyddio?",
        description="Tell us.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        team=team,
    )


def _person(email: str = "sam@example.org", name: str = "Sam") -> Participant:
    return ParticipantFactory(email=email, name=name, confirmed_at=timezone.now())


def _take_part(client: Client, participant: Participant) -> Client:
    client.post(reverse("ideas:participant_confirm", args=[participant.token]))
    return client


def _started() -> str:
    return signing.dumps("0", salt=SALT)


def test_someone_confirms_their_email_and_proposes_an_idea(
    client: Client, challenge: Challenge, django_capture_on_commit_callbacks
) -> None:
    propose = reverse("ideas:idea_propose", args=[challenge.code])
    assert client.get(propose)["Location"].startswith(reverse("ideas:take_part"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:take_part"), {"email": "Sam@Example.org", "next": propose})
    link = re.search(r"http://\S+/ideas/take-part/\S+", mail.outbox[-1].body)
    assert link
    address = link.group(0).split("localhost:8000", 1)[-1]
    # Opening the link (as a mail scanner would) confirms nothing; the button does.
    page = client.get(address)
    assert page.status_code == 200 and "Confirm" in page.content.decode()
    assert Participant.objects.get().confirmed_at is None
    assert client.get(propose)["Location"].startswith(reverse("ideas:take_part"))
    page = client.post(address, follow=True)
    assert page.redirect_chain[-1][0] == propose
    assert Participant.objects.get().confirmed_at is not None

    page = client.post(propose, {"title": "", "body": "", "started": _started()})
    assert "Enter a title for your idea" in page.content.decode()
    assert not Idea.objects.exists()
    client.post(
        propose,
        {
            "title": "Text reminders",
            "body": "Send a text the day before.",
            "name": "Sam",
            "started": _started(),
        },
    )
    idea = Idea.objects.get()
    assert idea.moderation == Moderation.PUBLISHED and idea.participant.email == "sam@example.org"
    assert Follow.objects.filter(idea=idea, participant=idea.participant).exists()
    assert (
        "Text reminders"
        in client.get(reverse("ideas:challenge_detail", args=[challenge.code])).content.decode()
    )


def test_similar_ideas_are_offered_while_typing(client: Client, challenge: Challenge) -> None:
    services.idea_propose(
        challenge=challenge,
        participant=_person(),
        title="Text message reminders before hearings",
        body="A text the day before.",
    )
    page = client.get(
        reverse("ideas:idea_similar", args=[challenge.code]), {"title": "hearing reminders by text"}
    )
    assert "Text message reminders before hearings" in page.content.decode()
    page = client.get(reverse("ideas:idea_similar", args=[challenge.code]), {"title": "free parking"})
    assert "Text message" not in page.content.decode()


def test_bots_and_hurried_posts_are_refused(client: Client, challenge: Challenge, settings) -> None:
    settings.CHORUS_RESPOND_LEAST_SECONDS = 5
    _take_part(client, _person())
    propose = reverse("ideas:idea_propose", args=[challenge.code])
    client.post(propose, {"title": "Spam", "body": "Buy", "website": "http://spam", "started": _started()})
    page = client.post(
        propose, {"title": "Too quick", "body": "Hi", "started": signing.dumps("9999999999", salt=SALT)}
    )
    assert "That was very quick" in page.content.decode()
    assert not Idea.objects.exists()


def test_each_confirmed_email_supports_an_idea_once(client: Client, challenge: Challenge) -> None:
    idea = services.idea_propose(
        challenge=challenge, participant=_person("a@example.org"), title="Wifi", body="Free wifi"
    )
    _take_part(client, _person("b@example.org"))
    for _ in range(3):
        client.post(reverse("ideas:idea_support", args=[idea.code]))
    idea.refresh_from_db()
    assert idea.support_count == 1 and Support.objects.count() == 1


def test_posts_with_personal_data_or_abuse_wait_for_a_moderator(
    client: Client, challenge: Challenge, officer_client: Client, officer
) -> None:
    author = _person()
    held = services.idea_propose(
        challenge=challenge, participant=author, title="The usher", body="Call me on 07700 900123 about it"
    )
    rude = services.idea_propose(
        challenge=challenge, participant=author, title="Idiots", body="You are all idiots"
    )
    assert held.moderation == rude.moderation == Moderation.HELD
    assert "personal data (phone)" in held.hold_reason and "abuse" in rude.hold_reason
    assert client.get(reverse("ideas:idea_detail", args=[held.code])).status_code == 404
    assert _take_part(Client(), author).get(reverse("ideas:idea_detail", args=[held.code])).status_code == 200
    queue = officer_client.get(reverse("ideas:moderation"))
    assert "The usher" in queue.content.decode()
    page = officer_client.post(
        reverse("ideas:moderation"), {"kind": "idea", "pk": held.pk, "action": "hidden"}
    )
    # No reason given: refused with the reason why, and only the automatic hold is recorded.
    assert "Give a reason for your decision" in page.content.decode()
    assert held.decisions.count() == 1
    held.refresh_from_db()
    assert held.moderation == Moderation.HELD
    officer_client.post(
        reverse("ideas:moderation"),
        {"kind": "idea", "pk": held.pk, "action": "hidden", "reason": "Names a member of staff"},
    )
    held.refresh_from_db()
    assert held.moderation == Moderation.HIDDEN
    decision = ModerationDecision.objects.filter(idea=held).first()
    assert decision is not None and decision.actor == officer and decision.reason == "Names a member of staff"


def test_reported_comments_reach_the_queue_and_replies_nest(
    client: Client, challenge: Challenge, officer_client: Client
) -> None:
    idea = services.idea_propose(
        challenge=challenge, participant=_person("a@example.org"), title="Signs", body="Clearer signs"
    )
    _take_part(client, _person("b@example.org", "Bea"))
    client.post(reverse("ideas:idea_comment", args=[idea.code]), {"body": "Agreed, the signs are awful"})
    comment = Comment.objects.get()
    client.post(reverse("ideas:idea_comment", args=[idea.code]), {"body": "Me too", "parent": comment.pk})
    assert Comment.objects.get(body="Me too").parent == comment
    page = client.post(reverse("ideas:idea_comment", args=[idea.code]), {"body": ""})
    assert page.status_code == 400
    Client().post(reverse("ideas:report", args=[idea.code]), {"comment": comment.pk})
    assert (
        "Agreed, the signs are awful"
        in officer_client.get(reverse("ideas:moderation") + "?what=comments").content.decode()
    )


def test_a_response_is_emailed_to_followers(
    officer_client: Client, challenge: Challenge, django_capture_on_commit_callbacks
) -> None:
    idea = services.idea_propose(
        challenge=challenge, participant=_person("a@example.org"), title="Letters", body="Plain English"
    )
    services.follow_add(idea=idea, participant=_person("b@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("ideas:staff_idea", args=[idea.code]),
            {"what": "respond", "status": "taken_forward", "response": "We are rewriting our letters."},
        )
    idea.refresh_from_db()
    assert idea.status == Idea.Status.TAKEN_FORWARD and idea.responded_at
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert "We are rewriting our letters." in mail.outbox[0].body
    assert (
        "We are rewriting our letters."
        in Client().get(reverse("ideas:idea_detail", args=[idea.code])).content.decode()
    )


def test_merging_moves_supports_comments_and_followers(
    officer_client: Client, challenge: Challenge, django_capture_on_commit_callbacks
) -> None:
    a, b, c = _person("a@example.org"), _person("b@example.org"), _person("c@example.org")
    keep = services.idea_propose(challenge=challenge, participant=a, title="Text reminders", body="Texts")
    dupe = services.idea_propose(challenge=challenge, participant=b, title="SMS reminders", body="SMS")
    services.support_add(idea=keep, participant=c)
    services.support_add(idea=dupe, participant=c)
    services.support_add(idea=dupe, participant=a)
    services.comment_add(idea=dupe, participant=c, body="Yes please")
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("ideas:staff_idea", args=[dupe.code]), {"what": "merge", "into": keep.pk})
    keep.refresh_from_db()
    dupe.refresh_from_db()
    assert dupe.merged_into == keep and dupe.moderation == Moderation.HIDDEN
    assert keep.support_count == 2 and keep.comments.count() == 1
    assert set(keep.follows.values_list("participant__email", flat=True)) == {
        "a@example.org",
        "b@example.org",
    }
    assert "b@example.org" in [m.to[0] for m in mail.outbox]
    assert Client().get(reverse("ideas:idea_detail", args=[dupe.code]))["Location"].endswith(f"{keep.code}/")


@pytest.mark.slow
def test_ideas_are_grouped_into_themes_and_answered_per_theme(
    officer_client: Client, challenge: Challenge
) -> None:
    person = _person()
    texts = [
        ("Text reminders", "Send a text message reminder before the hearing"),
        ("SMS reminders", "A text message the day before my hearing"),
        ("Reminder texts", "Remind people by text message about hearings"),
        ("Free wifi", "Free wifi in the waiting room"),
        ("Free wifi please", "Free wifi in the waiting room please"),
        ("Internet access", "Wifi internet in the court waiting room"),
    ]
    for title, body in texts:
        services.idea_propose(challenge=challenge, participant=person, title=title, body=body)
    groups, pairs = services.themes(challenge)
    assert sum(len(g.ideas) for g in groups) == 6 and len(groups) >= 2
    # The two wifi ideas that say the same thing are offered for merging.
    assert {"Free wifi", "Free wifi please"} in [{a.title, b.title} for a, b, _ in pairs]
    first = groups[0]
    page = officer_client.post(
        reverse("ideas:respond_theme", args=[challenge.code]),
        {
            "ideas": [i.pk for i in first.ideas],
            "status": "considering",
            "response": "We are looking at this.",
        },
    )
    assert page.status_code == 302
    assert Idea.objects.filter(status="considering").count() == len(first.ideas)
    assert (
        "Themes"
        in officer_client.get(
            reverse("ideas:staff_challenge", args=[challenge.code]) + "?themes=1"
        ).content.decode()
    )


def test_closing_publishes_the_summary_and_counts_an_activity(
    client: Client, officer_client: Client, challenge: Challenge
) -> None:
    idea = services.idea_propose(
        challenge=challenge, participant=_person("a@example.org"), title="Signs", body="Signs"
    )
    services.support_add(idea=idea, participant=_person("b@example.org"))
    officer_client.post(
        reverse("ideas:challenge_close", args=[challenge.code]), {"summary": "We heard 1 idea."}
    )
    challenge.refresh_from_db()
    assert challenge.status() == Challenge.Status.CLOSED
    assert (
        "We heard 1 idea."
        in client.get(reverse("ideas:challenge_detail", args=[challenge.code])).content.decode()
    )
    activity = Activity.objects.get(challenge=challenge)
    assert activity.kind == "ideas" and activity.unlisted_attendees == 2
    _take_part(client, _person("c@example.org"))
    assert client.get(reverse("ideas:idea_propose", args=[challenge.code])).status_code == 410
    client.post(reverse("ideas:idea_support", args=[idea.code]))
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_exports_hold_ideas_comments_and_supports_without_emails(
    officer_client: Client, challenge: Challenge
) -> None:
    idea = services.idea_propose(
        challenge=challenge, participant=_person(), title="=HYPERLINK(1)", body="Signs"
    )
    services.comment_add(idea=idea, participant=_person("x@example.org"), body="Yes")
    csv_text = b"".join(
        officer_client.get(reverse("ideas:export", args=[challenge.code, "ideas"])).streaming_content
    ).decode()
    assert "'=HYPERLINK(1)" in csv_text and "@example.org" not in csv_text
    xlsx = officer_client.get(reverse("ideas:export", args=[challenge.code, "comments"]) + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert officer_client.get(reverse("ideas:export", args=[challenge.code, "emails"])).status_code == 404


def test_outsiders_cannot_run_another_teams_challenge(client: Client, challenge: Challenge, outsider) -> None:
    from tests.conftest import sign_in

    staff = sign_in(client, outsider)
    assert staff.get(reverse("ideas:staff_challenge", args=[challenge.code])).status_code == 404
    assert staff.get(reverse("ideas:export", args=[challenge.code, "ideas"])).status_code == 404


def test_the_staff_list_counts_every_challenge_in_a_fixed_number_of_queries(
    officer_client: Client, challenge, team, django_assert_max_num_queries
) -> None:
    sam, kim = _person(), _person("kim@example.org", "Kim")
    first = IdeaFactory(challenge=challenge, participant=sam, title="Ramps")
    IdeaFactory(challenge=challenge, participant=kim, title="Signs")
    IdeaFactory(challenge=challenge, participant=kim, title="Held", moderation=Moderation.HELD)
    CommentFactory(idea=first, participant=kim, body="Yes")
    CommentFactory(idea=first, participant=kim, body="Held", moderation=Moderation.HELD)
    SupportFactory(idea=first, participant=kim)
    others = [
        ChallengeFactory(
            title=f"Other {i}", opens_at=challenge.opens_at, closes_at=challenge.closes_at, team=team
        )
        for i in range(5)
    ]
    assert services.counts(challenge) == {"ideas": 2, "held": 2, "supports": 1, "comments": 1, "people": 2}
    assert services.counts(others[0]) == {"ideas": 0, "held": 0, "supports": 0, "comments": 0, "people": 0}
    with django_assert_max_num_queries(20):
        page = officer_client.get(reverse("ideas:staff_challenge_list"))
    assert page.status_code == 200 and "Other 4" in page.content.decode()
