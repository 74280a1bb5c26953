"""Perception tracking: waves beside the baseline, with the change, its significance and
small numbers hidden; setting a series up; per-team access; the CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from itertools import count

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Answer, Response
from chorus.core.models import AuditEntry
from chorus.insights.models import PerceptionSeries
from chorus.insights.perception import compare
from tests.conftest import sign_in
from tests.factories import (
    ConsultationFactory,
    PerceptionSeriesFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db
_references = count()


def wave(title: str, days_ago: int, answers: dict[str, list[object]], team=None, wording: dict | None = None):
    """A survey asking the tracked questions, with the given answers to each."""
    opens = timezone.now() - timedelta(days=days_ago)
    survey = ConsultationFactory(
        kind="survey",
        title=title,
        summary="s",
        opens_at=opens,
        closes_at=opens + timedelta(days=30),
        team=team,
    )
    section = SectionFactory(consultation=survey, title="Working with us", order=1)
    texts = {
        "listen": "We listen to what you tell us?",
        "rating": "How would you rate us?",
        "yes_no": "Have you taken part?",
        "channel": "How do you prefer to hear from us?",
    } | (wording or {})
    kinds = {"listen": "scale", "rating": "rating", "yes_no": "yes_no", "channel": "single"}
    options = [{"value": v, "label": v.title()} for v in ("email", "events", "website")]
    size = max(len(v) for v in answers.values())
    responses = [
        ResponseFactory(consultation=survey, reference=f"W{next(_references):07d}", submitted_at=opens)
        for _ in range(size)
    ]
    for key, values in answers.items():
        question = QuestionFactory(
            section=section,
            kind=kinds[key],
            text=texts[key],
            options=options if key == "channel" else [],
            order=len(texts),
        )
        Answer.objects.bulk_create(
            Answer(response=response, question=question, value=value)
            for response, value in zip(responses, values, strict=False)
        )
    return survey


def by_label(measures, label: str):
    return next(m for m in measures if m.label == label)


def test_a_real_rise_is_called_significant_and_a_small_one_is_not() -> None:
    baseline = wave(
        "Spring",
        300,
        {
            "listen": ["agree"] * 40 + ["disagree"] * 60 + ["dont_know"] * 10,
            "yes_no": ["yes"] * 48 + ["no"] * 52,
        },
    )
    later = wave(
        "Autumn",
        100,
        {
            "listen": ["strongly_agree"] * 70 + ["neither"] * 30,  # 40% -> 70%
            "yes_no": ["yes"] * 52 + ["no"] * 48,  # 48% -> 52%
        },
    )
    measures = compare([baseline, later], baseline, "en")
    agree = by_label(measures, "Agree or strongly agree")
    base, autumn = agree.values
    # "Don't know" is not a view: 40 of 100, not of 110.
    assert base.is_baseline and base.n == 100 and base.value == pytest.approx(40)
    assert autumn.value == pytest.approx(70) and autumn.change == pytest.approx(30)
    assert autumn.significant and autumn.p < 0.001 and "Up 30 percentage points" in autumn.note
    assert autumn.low < 70 < autumn.high
    yes = by_label(measures, "Yes").values[1]
    assert yes.change == pytest.approx(4) and not yes.significant
    assert "could be chance" in yes.note


def test_a_mean_rating_is_compared_with_welch() -> None:
    baseline = wave("Spring", 300, {"rating": ["2", "3"] * 20})
    later = wave("Autumn", 100, {"rating": ["4", "5"] * 20})
    mean = by_label(compare([baseline, later], baseline, "en"), "Mean rating (1 to 5)")
    assert mean.values[0].value == pytest.approx(2.5) and mean.values[1].value == pytest.approx(4.5)
    assert mean.values[1].change == pytest.approx(2.0) and mean.values[1].significant
    assert "2.00 points" in mean.values[1].note


def test_small_numbers_are_hidden_and_nothing_is_compared_with_them() -> None:
    baseline = wave("Spring", 300, {"yes_no": ["yes"] * 30 + ["no"] * 30})
    tiny = wave("Autumn", 100, {"yes_no": ["yes"] * 5})
    lopsided = wave("Winter", 50, {"yes_no": ["yes"] * 55 + ["no"] * 5})
    yes = by_label(compare([baseline, tiny, lopsided], baseline, "en"), "Yes")
    assert yes.values[1].n is None and yes.values[1].value is None and yes.values[1].change is None
    assert yes.values[1].note == "Too few answers to say."
    # 55 yes and 5 no: the share would tell who said no, so it is hidden too.
    assert yes.values[2].n == 60 and yes.values[2].value is None


def test_single_choice_options_get_secondary_suppression() -> None:
    baseline = wave("Spring", 300, {"channel": ["email"] * 30 + ["events"] * 25 + ["website"] * 4})
    measures = compare([baseline], baseline, "en")
    shares = {m.label: m.values[0].value for m in measures}
    # Website (4) is hidden; so is the next smallest, else it could be worked out from the total.
    assert shares["Website"] is None and shares["Events"] is None and shares["Email"] is not None


def test_a_question_not_asked_in_a_wave_says_so() -> None:
    baseline = wave("Spring", 300, {"yes_no": ["yes", "no"] * 20})
    later = wave("Autumn", 100, {"yes_no": ["yes", "no"] * 20}, wording={"yes_no": "Something else?"})
    yes = by_label(compare([baseline, later], baseline, "en"), "Yes")
    assert not yes.values[1].asked and yes.values[1].note == "Not asked in this wave."


def test_questions_match_despite_spacing_case_and_punctuation() -> None:
    baseline = wave("Spring", 300, {"yes_no": ["yes", "no"] * 20})
    later = wave("Autumn", 100, {"yes_no": ["yes", "no"] * 20}, wording={"yes_no": "have you  taken part"})
    assert by_label(compare([baseline, later], baseline, "en"), "Yes").values[1].asked


def test_an_officer_sets_up_a_series_with_clear_errors_first(officer_client: Client, team) -> None:
    spring = wave("Spring survey", 300, {"yes_no": ["yes"] * 30 + ["no"] * 30}, team=team)
    autumn = wave("Autumn survey", 100, {"yes_no": ["yes"] * 45 + ["no"] * 15}, team=team)
    other = wave("Elsewhere", 100, {"yes_no": ["yes"] * 45 + ["no"] * 15})
    url = reverse("insights:perception_create")
    page = officer_client.post(
        url, {"name": "", "waves": [spring.pk], "baseline": autumn.pk}
    ).content.decode()
    assert "Enter a name for the perception survey" in page
    assert "Choose at least two surveys as waves" in page
    page = officer_client.post(
        url, {"name": "Trust", "waves": [spring.pk, other.pk], "baseline": autumn.pk}
    ).content.decode()
    assert "The baseline must be one of the waves you chose" in page
    assert not PerceptionSeries.objects.exists()
    reply = officer_client.post(
        url, {"name": "Trust", "waves": [spring.pk, autumn.pk], "baseline": spring.pk, "team": team.pk}
    )
    series = PerceptionSeries.objects.get()
    assert reply.url == reverse("insights:perception", args=[series.code])
    assert set(series.waves.all()) == {spring, autumn} and series.created_by is not None
    assert AuditEntry.objects.filter(object_type="insights.perceptionseries", action="create").exists()
    page = officer_client.get(reply.url).content.decode()
    assert "Spring survey" in page and "Autumn survey" in page and "+25" in page
    assert "a real change, unlikely to be chance" in page


def test_filters_and_the_csv(officer_client: Client, team) -> None:
    spring = wave("Spring survey", 300, {"yes_no": ["yes"] * 30 + ["no"] * 30}, team=team)
    autumn = wave("Autumn survey", 100, {"yes_no": ["yes"] * 45 + ["no"] * 15}, team=team)
    Response.objects.filter(consultation=autumn).update(channel="phone")
    series = PerceptionSeriesFactory(name="Trust", baseline=spring, team=team)
    series.waves.set([spring, autumn])
    url = reverse("insights:perception", args=[series.code])
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(officer_client.get(url, {"format": "csv"}).streaming_content).decode())
        )
    )
    assert [(r["wave"], r["answered"], r["value"], r["change"]) for r in rows] == [
        ("Spring survey", "60", "50.0", ""),
        ("Autumn survey", "60", "75.0", "25.0"),
    ]
    assert rows[1]["significant"] == "yes"
    filtered = officer_client.get(url, {"channel": "online", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(filtered.streaming_content).decode())))
    assert rows[1]["answered"] == "" and rows[1]["value"] == ""  # no autumn answers online


def test_a_team_series_is_hidden_from_other_teams(client: Client, team, outsider) -> None:
    spring = wave("Spring survey", 300, {"yes_no": ["yes"] * 30 + ["no"] * 30}, team=team)
    series = PerceptionSeriesFactory(name="Trust", baseline=spring, team=team)
    series.waves.set([spring])
    sign_in(client, outsider)
    assert client.get(reverse("insights:perception", args=[series.code])).status_code == 404
    assert "Trust" not in client.get(reverse("insights:perception_list")).content.decode()
    reply = client.post(reverse("insights:perception_edit", args=[series.code]), {"name": "Mine"})
    assert reply.status_code == 404


def test_waves_of_surveys_a_user_may_not_see_are_left_out(officer_client: Client, team, other_team) -> None:
    spring = wave("Spring survey", 300, {"yes_no": ["yes"] * 30 + ["no"] * 30}, team=team)
    theirs = wave("Their survey", 200, {"yes_no": ["yes"] * 40 + ["no"] * 20}, team=other_team)
    series = PerceptionSeriesFactory(name="Trust", baseline=spring, team=team)
    series.waves.set([spring, theirs])
    page = officer_client.get(reverse("insights:perception", args=[series.code])).content.decode()
    assert "Spring survey" in page and "Their survey" not in page
    # With another team's survey as the baseline there is nothing this user may compare with.
    series.baseline = theirs
    series.save()
    assert officer_client.get(reverse("insights:perception", args=[series.code])).status_code == 404
