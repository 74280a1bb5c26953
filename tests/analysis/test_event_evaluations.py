"""The comments people leave in an event's evaluation ("what could be better") analysed by
the text engine (#25): started from the activity page, reading that event's comments only,
within the team rules activities follow."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.analysis.event_sections import event_start_url
from chorus.analysis.jobs import erased_comments_drop_hourly
from chorus.analysis.models import AnalysisRun, Item
from chorus.analysis.services import run_create
from chorus.directory.rights import person_erase
from chorus.engagement.models import Activity
from chorus.events.evaluation import evaluation_answer
from chorus.events.models import Evaluation
from tests.analysis.corpus import corpus
from tests.conftest import sign_in
from tests.factories import (
    ActivityFactory,
    AnalysisRunFactory,
    AssignmentFactory,
    ItemFactory,
    ThemeFactory,
    make_person,
)

pytestmark = pytest.mark.django_db


def _comments(activity: Activity, texts: list[str]) -> list[Evaluation]:
    now = timezone.now()
    return [
        Evaluation.objects.create(
            activity=activity, answered_at=now - timedelta(minutes=i), useful=4, listened=4, improve=text
        )
        for i, text in enumerate(texts)
    ]


@pytest.fixture
def event(team) -> Activity:
    activity = ActivityFactory(title="Drop-in at Cardiff Civil Justice Centre", team=team)
    texts, _labels = corpus(per_topic=8)
    _comments(activity, texts)
    # Asked but not answered, and answered with nothing to improve: neither is a comment.
    Evaluation.objects.create(activity=activity)
    Evaluation.objects.create(activity=activity, answered_at=timezone.now(), useful=5, listened=5)
    return activity


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    def go(client: Client, subject: str) -> AnalysisRun:
        with django_capture_on_commit_callbacks(execute=True):
            reply = client.post(reverse("analysis:run_start"), {"subject": subject, "mode": "fast"})
        assert reply.status_code == 302, reply.content.decode()[:2000]
        run = AnalysisRun.objects.latest("created_at")
        run.refresh_from_db()
        return run

    return go


def test_an_analysis_of_an_event_reads_exactly_its_comments_and_links_back_to_the_event(
    officer_client: Client, event: Activity, team, start
) -> None:
    other_event = ActivityFactory(title="Online session", team=team)
    _comments(other_event, ["The video kept freezing and we could not hear the judge"])
    run = start(officer_client, f"event:{event.code}")
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert (run.subject, run.activity, run.team, run.title) == ("event", event, team, event.title)
    commented = Evaluation.objects.filter(activity=event).exclude(improve="")
    items = list(run.items.all())
    assert {(i.source, i.source_id) for i in items} == {("event_evaluation", e.pk) for e in commented}
    assert sorted(i.text for i in items) == sorted(e.improve for e in commented)
    answered = {e.pk: e.answered_at for e in commented}
    assert all(i.received_at == answered[i.source_id] and i.channel == "Event evaluation" for i in items)
    assert run.themes.filter(level="fine").exists()
    page = officer_client.get(reverse("analysis:run_detail", args=[run.code]))
    body = page.content.decode()
    link = reverse("engagement:activity_detail", args=[event.code])
    assert page.status_code == 200
    assert "An event&#x27;s evaluation comments" in body and f'href="{link}"' in body
    assert officer_client.get(link).status_code == 200
    # The channel is kept as its English name and shown in the page's language.
    responses = reverse("analysis:run_responses", args=[run.code])
    english = officer_client.get(responses).content.decode()
    assert "Event evaluation" in english
    assert re.search(r"\(\d{1,3}% sure\)", english)  # how sure the coding is, not a bare "(1.00)"
    welsh = officer_client.get("/cy" + responses).content.decode()
    assert "Gwerthusiad digwyddiad" in welsh and ">Event evaluation<" not in welsh  # only as a value


def test_out_of_team_events_are_not_offered_and_their_analyses_are_not_found(
    client: Client, officer, outsider, other_team, event: Activity
) -> None:
    elsewhere = ActivityFactory(title="Crime victims forum", team=other_team)
    _comments(elsewhere, ["More time for questions at the end, please"])
    sign_in(client, officer)
    page = client.get(reverse("analysis:run_start"), {"subject": f"event:{elsewhere.code}"})
    body = page.content.decode()
    assert f"event:{event.code}" in body and "Crime victims forum" not in body
    refused = client.post(
        reverse("analysis:run_start"), {"subject": f"event:{elsewhere.code}", "mode": "fast"}
    )
    assert refused.status_code == 200 and "Choose what to analyse from the list." in refused.content.decode()
    assert not AnalysisRun.objects.exists()
    theirs = run_create(actor=outsider, subject="event", target=elsewhere, mode="fast", framework=[])
    assert client.get(reverse("analysis:run_detail", args=[theirs.code])).status_code == 404
    assert client.get(reverse("analysis:run_responses", args=[theirs.code])).status_code == 404


def test_the_activity_page_offers_an_analysis_of_the_comments_to_those_who_may_start_one(
    client: Client, officer, viewer, event: Activity, team
) -> None:
    start_url = event_start_url(event)
    sign_in(client, officer)
    page = client.get(reverse("engagement:activity_detail", args=[event.code])).content.decode()
    assert "Analyse the comments" in page and start_url.replace("&", "&amp;") in page
    chosen = client.get(start_url).content.decode()
    assert f'<option value="event:{event.code}" selected>' in chosen
    quiet = ActivityFactory(title="No comments yet", team=team)
    _comments(quiet, [""])
    assert (
        "Analyse the comments"
        not in client.get(reverse("engagement:activity_detail", args=[quiet.code])).content.decode()
    )
    sign_in(client, viewer)  # viewers read analyses but start none
    page = client.get(reverse("engagement:activity_detail", args=[event.code])).content.decode()
    assert "Analyse the comments" not in page


def test_a_comment_that_arrives_later_joins_the_finished_analysis(
    officer_client: Client, event: Activity, start, django_capture_on_commit_callbacks
) -> None:
    run = start(officer_client, f"event:{event.code}")
    before = run.items.count()
    late = Evaluation.objects.create(activity=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluation_answer(
            evaluation=late, useful=2, listened=3, accessible="yes", improve="The helpline put me on hold"
        )
    item = Item.objects.get(run=run, source="event_evaluation", source_id=late.pk)
    assert run.items.count() == before + 1 and item.text == "The helpline put me on hold"


def test_an_erased_persons_comment_leaves_every_analysis(admin, event: Activity) -> None:
    person = make_person(first_name="Gwen", last_name="Morgan", emails=["gwen@example.org"])
    theirs, kept = _comments(event, ["Gwen here: the ramp at the back door was locked", "Bigger room"])
    theirs.person = person
    theirs.save()
    run = AnalysisRunFactory(subject="event", activity=event, status="done", item_count=2)
    theme = ThemeFactory(run=run, level="fine")
    for evaluation in (theirs, kept):
        item = ItemFactory(
            run=run, source="event_evaluation", source_id=evaluation.pk, text=evaluation.improve
        )
        AssignmentFactory(item=item, theme=theme)
    person_erase(actor=admin, person=person)
    assert list(run.items.values_list("text", flat=True)) == ["Bigger room"]
    run.refresh_from_db()
    theme.refresh_from_db()
    assert run.item_count == 1 and theme.size == 1
    # A comment blanked another way (events' hourly sweep) goes at the next hourly run.
    Evaluation.objects.filter(pk=kept.pk).update(improve="")
    assert erased_comments_drop_hourly.call() == 1 and not run.items.exists()
