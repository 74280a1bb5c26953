"""Reviewing a run's themes as a framework (stages, sign-off, reopening, coding to it) and
checking its coding with a second analyst (blind coding, Cohen's kappa, resolving)."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from sklearn.metrics import cohen_kappa_score

from chorus.accounts.models import User
from chorus.analysis import services
from chorus.analysis.models import (
    AnalysisRun,
    Assignment,
    QualitySample,
    ReviewEvent,
    ReviewStage,
    SampleEntry,
    Theme,
    ThemeChange,
)
from chorus.analysis.services import review
from chorus.core.models import AuditEntry
from chorus.core.roles import Role
from tests.conftest import sign_in
from tests.factories import (
    AnalysisRunFactory,
    AssignmentFactory,
    ConsultationFactory,
    ItemFactory,
    QuestionFactory,
    SectionFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

THEMES = ["Parking", "Staff attitude", "Waiting times"]


@pytest.fixture
def analyst(team) -> User:
    return UserFactory(role=Role.ANALYST, email="analyst@example.gov.uk", full_name="Ana Lyst", teams=[team])


@pytest.fixture
def second(team) -> User:
    return UserFactory(role=Role.ANALYST, email="second@example.gov.uk", full_name="Sam Second", teams=[team])


@pytest.fixture
def run(team) -> AnalysisRun:
    question = QuestionFactory(section=SectionFactory(consultation=ConsultationFactory(team=team)))
    run = AnalysisRunFactory(
        title="Court visits", team=team, status=AnalysisRun.Status.DONE, question=question, item_count=12
    )
    themes = [
        ThemeFactory(run=run, key=n, label=label, description=f"About {label.lower()}")
        for n, label in enumerate(THEMES, start=1)
    ]
    for n in range(12):
        item = ItemFactory(run=run, text=f"Response {n} about {THEMES[n % 3].lower()}")
        AssignmentFactory(item=item, theme=themes[n % 3])
    return run


def _themes(run: AnalysisRun) -> dict[str, Theme]:
    return {t.label: t for t in run.themes.all()}


def _audited(run: AnalysisRun, **detail: object) -> bool:
    entries = AuditEntry.objects.filter(object_id=str(run.code))
    return any(all(e.detail.get(k) == v for k, v in detail.items()) for e in entries)


def _client(user: User) -> Client:
    return sign_in(Client(), user)


# Cohen's kappa, against examples worked by hand


def test_kappa_matches_a_hand_worked_example() -> None:
    # 50 responses: both yes 20, first only 5, second only 10, both no 15.
    # Observed 35/50 = 0.7; chance 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa (0.7 - 0.5) / 0.5 = 0.4.
    first = [True] * 25 + [False] * 25
    second = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    assert review.cohen_kappa(first, second) == pytest.approx(0.4)


def test_kappa_of_a_second_hand_worked_example() -> None:
    # 10 responses, 8 agree; each coder says yes to half: chance 0.5; kappa 0.3 / 0.5 = 0.6.
    first = [True] * 5 + [False] * 5
    second = [True] * 4 + [False] * 5 + [True]
    assert review.cohen_kappa(first, second) == pytest.approx(0.6)


def test_kappa_is_one_for_full_agreement_and_negative_for_systematic_disagreement() -> None:
    assert review.cohen_kappa([True, False, True, False], [True, False, True, False]) == pytest.approx(1.0)
    assert review.cohen_kappa([True, False, True, False], [False, True, False, True]) == pytest.approx(-1.0)


def test_kappa_cannot_be_computed_when_both_coders_say_the_same_one_thing() -> None:
    assert review.cohen_kappa([False] * 6, [False] * 6) is None
    assert review.cohen_kappa([], []) is None


def test_kappa_agrees_with_scikit_learn() -> None:
    chance = random.Random(7)
    for _ in range(20):
        first = [chance.random() < 0.3 for _ in range(40)]
        second = [f if chance.random() < 0.8 else not f for f in first]
        assert review.cohen_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))


@pytest.mark.parametrize(
    ("kappa", "words"),
    [
        (-0.1, "Poor agreement: worse than chance"),
        (0.1, "Slight agreement"),
        (0.2, "Slight agreement"),
        (0.35, "Fair agreement"),
        (0.5, "Moderate agreement"),
        (0.7, "Substantial agreement"),
        (0.9, "Almost perfect agreement"),
    ],
)
def test_kappa_reads_in_landis_and_koch_bands(kappa: float, words: str) -> None:
    assert review.kappa_reading(kappa) == words


# Stages and sign-off


def test_a_lead_signs_off_the_framework_and_the_theme_tools_close(run, analyst, officer) -> None:
    review.review_start(run=run, actor=officer)
    run.refresh_from_db()
    assert run.review_stage == ReviewStage.IN_REVIEW
    assert _audited(run, review="started")

    review.framework_sign_off(run=run, actor=analyst)
    run.refresh_from_db()
    assert run.is_signed_off and run.signed_off_by == analyst and run.signed_off_at is not None
    assert run.review_events.first().action == ReviewEvent.Action.SIGNED_OFF
    assert _audited(run, review="signed_off")

    parking = _themes(run)["Parking"]
    with pytest.raises(ValidationError, match="signed off"):
        services.theme_rename(theme=parking, actor=officer, label="Car parks", description="")
    with pytest.raises(ValidationError, match="signed off"):
        services.theme_lock(theme=parking, actor=officer, locked=True)
    with pytest.raises(ValidationError, match="signed off"):
        services.theme_delete(theme=parking, actor=officer)
    with pytest.raises(ValidationError, match="signed off"):
        services.items_move(
            run=run,
            actor=officer,
            item_ids=list(run.items.values_list("pk", flat=True)[:1]),
            source=None,
            target=parking,
        )
    parking.refresh_from_db()
    assert parking.label == "Parking" and not parking.locked


def test_reopening_needs_a_reason_and_records_it(run, analyst, admin, officer) -> None:
    review.framework_sign_off(run=run, actor=analyst)
    with pytest.raises(ValidationError, match="why"):
        review.framework_reopen(run=run, actor=admin, reason="  ")
    review.framework_reopen(run=run, actor=admin, reason="Parking needs splitting")
    run.refresh_from_db()
    assert run.review_stage == ReviewStage.IN_REVIEW and run.signed_off_by is None
    event = run.review_events.first()
    assert event.action == ReviewEvent.Action.REOPENED and event.reason == "Parking needs splitting"
    assert event.actor == admin
    assert _audited(run, review="reopened", reason="Parking needs splitting")
    services.theme_rename(theme=_themes(run)["Parking"], actor=officer, label="Car parks", description="")


def test_only_analysts_and_administrators_sign_off(run, officer, viewer) -> None:
    for user in (officer, viewer):
        with pytest.raises(ValidationError, match="analyst or an administrator"):
            review.framework_sign_off(run=run, actor=user)
    run.refresh_from_db()
    assert not run.is_signed_off


def test_a_framework_with_two_themes_of_one_name_cannot_be_signed_off(run, analyst) -> None:
    Theme.objects.filter(label="Parking").update(label="Waiting times")
    with pytest.raises(ValidationError, match="Two themes are called"):
        review.framework_sign_off(run=run, actor=analyst)


def test_signing_off_twice_and_reopening_an_open_framework_are_refused(run, analyst) -> None:
    review.framework_sign_off(run=run, actor=analyst)
    with pytest.raises(ValidationError, match="already signed off"):
        review.framework_sign_off(run=run, actor=analyst)
    review.framework_reopen(run=run, actor=analyst, reason="More themes")
    with pytest.raises(ValidationError, match="nothing to reopen"):
        review.framework_reopen(run=run, actor=analyst, reason="Again")


def test_every_response_is_coded_to_the_signed_off_framework(run, analyst) -> None:
    with pytest.raises(ValidationError, match="Sign off"):
        review.framework_code(run=run, actor=analyst)
    review.framework_sign_off(run=run, actor=analyst)
    run.refresh_from_db()
    coded = review.framework_code(run=run, actor=analyst)
    assert coded.coded_from == run and coded.question == run.question
    assert sorted(t["name"] for t in coded.framework) == THEMES
    assert all(t["examples"] for t in coded.framework)
    assert run.review_events.first().action == ReviewEvent.Action.CODED
    with pytest.raises(ValidationError, match="already being coded"):
        review.framework_code(run=run, actor=analyst)


# Quality assurance


def test_a_sample_keeps_the_first_coding_and_is_limited_to_the_responses(run, analyst) -> None:
    with pytest.raises(ValidationError, match="between 1 and 12"):
        review.sample_draw(run=run, actor=analyst, size=13)
    with pytest.raises(ValidationError, match="between 1 and 12"):
        review.sample_draw(run=run, actor=analyst, size=0)
    sample = review.sample_draw(run=run, actor=analyst, size=12, seed=1)
    assert sample.entries.count() == 12
    for entry in sample.entries.select_related("item"):
        assert entry.first == list(
            Assignment.objects.filter(item=entry.item).values_list("theme_id", flat=True)
        )
        assert entry.second is None
    assert _audited(run, quality_sample=str(sample.code), size=12)


def test_the_drawer_cannot_code_their_own_sample_and_the_first_coder_claims_it(
    run, analyst, second, admin
) -> None:
    sample = review.sample_draw(run=run, actor=analyst, size=3, seed=1)
    entry = sample.entries.first()
    with pytest.raises(ValidationError, match="You drew this sample"):
        review.sample_code(entry=entry, actor=analyst, theme_ids=[])
    review.sample_code(entry=entry, actor=second, theme_ids=[])
    sample.refresh_from_db()
    assert sample.second_coder == second
    assert _audited(run, quality_sample=str(sample.code), item=entry.item_id, second_coding="saved")
    with pytest.raises(ValidationError, match="Someone else"):
        review.sample_code(entry=sample.entries.last(), actor=admin, theme_ids=[])


def _code_all(sample: QualitySample, coder: User, change: dict[int, list[int]] | None = None) -> None:
    change = change or {}
    for entry in sample.entries.all():
        review.sample_code(entry=entry, actor=coder, theme_ids=change.get(entry.position, entry.first))


def test_agreement_per_theme_and_overall(team, analyst, second) -> None:
    run = AnalysisRunFactory(team=team, status=AnalysisRun.Status.DONE)
    yes, no = ThemeFactory(run=run, label="Yes"), ThemeFactory(run=run, label="Rare")
    items = [ItemFactory(run=run) for _ in range(10)]
    for item in items[:5]:
        AssignmentFactory(item=item, theme=yes)
    AssignmentFactory(item=items[9], theme=no)
    sample = review.sample_draw(run=run, actor=analyst, size=10, seed=3)
    by_item = {e.item_id: e.position for e in sample.entries.all()}
    # The second analyst codes item 4 out of "Yes" and item 5 into it: 8 of 10 agree on "Yes".
    _code_all(sample, second, {by_item[items[4].pk]: [], by_item[items[5].pk]: [yes.pk]})
    sample.refresh_from_db()
    assert sample.finished_at is not None
    assert _audited(run, quality_sample=str(sample.code), second_coding="finished")
    report = review.sample_agreement(sample)
    rows = {r.theme.label: r for r in report.themes}
    assert rows["Yes"].kappa == pytest.approx(0.6) and rows["Yes"].reading == "Moderate agreement"
    assert rows["Rare"].too_few and rows["Rare"].kappa is None
    assert report.mean_kappa == pytest.approx(0.6)
    assert report.exact == pytest.approx(0.8)
    assert {e.item_id for e in report.disagreements} == {items[4].pk, items[5].pk}


def test_accepting_the_second_coding_moves_the_response(run, analyst, second) -> None:
    themes = _themes(run)
    sample = review.sample_draw(run=run, actor=analyst, size=3, seed=2)
    entry = sample.entries.first()
    moved_to = [t.pk for t in themes.values() if t.pk not in entry.first][:1]
    _code_all(sample, second, {entry.position: moved_to})
    entry.refresh_from_db()
    with pytest.raises(ValidationError, match="Choose which"):
        review.disagreement_resolve(entry=entry, actor=analyst, accept="both")
    review.disagreement_resolve(entry=entry, actor=analyst, accept=SampleEntry.Resolution.SECOND)
    assert list(Assignment.objects.filter(item=entry.item).values_list("theme_id", flat=True)) == moved_to
    entry.refresh_from_db()
    assert entry.resolution == "second" and entry.resolved_by == analyst
    change = run.changes.first()
    assert change.action == ThemeChange.Action.MOVE and change.detail["items"] == [entry.item_id]
    assert _audited(run, theme_change="move", accepted="second", item=entry.item_id)


def test_accepting_the_first_coding_keeps_it_even_on_a_signed_off_framework(run, analyst, second) -> None:
    sample = review.sample_draw(run=run, actor=analyst, size=2, seed=2)
    entry = sample.entries.first()
    _code_all(sample, second, {entry.position: []})
    review.framework_sign_off(run=run, actor=analyst)
    entry.refresh_from_db()
    review.disagreement_resolve(entry=entry, actor=second, accept=SampleEntry.Resolution.FIRST)
    assert list(Assignment.objects.filter(item=entry.item).values_list("theme_id", flat=True)) == entry.first
    assert run.changes.filter(action=ThemeChange.Action.MOVE).count() == 1


# Pages and who may use them


def test_anyone_signed_out_is_sent_to_sign_in(client: Client, run, analyst) -> None:
    sample = review.sample_draw(run=run, actor=analyst, size=2)
    for url in (
        reverse("analysis:review", args=[run.code]),
        reverse("analysis:review_sign_off", args=[run.code]),
        reverse("analysis:sample_new", args=[run.code]),
        reverse("analysis:sample_code", args=[sample.code, 1]),
        reverse("analysis:sample_agreement", args=[sample.code]),
    ):
        reply = client.get(url)
        assert reply.status_code == 302 and "/sign-in/" in reply["Location"]


def test_a_viewer_sees_the_stages_but_may_change_nothing(run, viewer, analyst) -> None:
    sample = review.sample_draw(run=run, actor=analyst, size=2)
    client = _client(viewer)
    page = client.get(reverse("analysis:review", args=[run.code]))
    assert page.status_code == 200
    assert "Sign off the framework</a>" not in page.content.decode()
    assert client.get(reverse("analysis:review_sign_off", args=[run.code])).status_code == 403
    assert client.post(reverse("analysis:review_sign_off", args=[run.code])).status_code == 403
    assert client.post(reverse("analysis:review_start", args=[run.code])).status_code == 403
    assert client.get(reverse("analysis:sample_new", args=[run.code])).status_code == 403
    assert client.get(reverse("analysis:sample_code", args=[sample.code, 1])).status_code == 403
    assert (
        client.post(
            reverse("analysis:sample_resolve", args=[sample.code, 1]), {"accept": "first"}
        ).status_code
        == 403
    )
    run.refresh_from_db()
    assert not run.is_signed_off and run.review_stage == ReviewStage.FOUND


def test_an_engagement_officer_may_review_but_not_sign_off(run, officer) -> None:
    client = _client(officer)
    assert client.post(reverse("analysis:review_start", args=[run.code])).status_code == 302
    assert client.get(reverse("analysis:review_sign_off", args=[run.code])).status_code == 403


def test_someone_outside_the_team_cannot_find_the_review(run, outsider, analyst) -> None:
    sample = review.sample_draw(run=run, actor=analyst, size=2)
    client = _client(outsider)
    assert client.get(reverse("analysis:review", args=[run.code])).status_code == 404
    assert client.get(reverse("analysis:sample_detail", args=[sample.code])).status_code == 404
    assert client.get(reverse("analysis:sample_code", args=[sample.code, 1])).status_code == 404
    assert client.post(reverse("analysis:review_sign_off", args=[run.code])).status_code == 404


def test_an_analyst_signs_off_and_the_run_page_shows_who_and_when(run, analyst) -> None:
    client = _client(analyst)
    page = client.get(reverse("analysis:review", args=[run.code])).content.decode()
    assert "govuk-task-list" in page and "Themes found" in page
    assert client.get(reverse("analysis:review_sign_off", args=[run.code])).status_code == 200
    reply = client.post(reverse("analysis:review_sign_off", args=[run.code]))
    assert reply["Location"] == reverse("analysis:review_signed_off", args=[run.code])
    panel = client.get(reply["Location"]).content.decode()
    assert "govuk-panel" in panel and "By Ana Lyst on" in panel
    detail = client.get(reverse("analysis:run_detail", args=[run.code])).content.decode()
    assert "Ana Lyst signed off these themes" in detail and "None" not in detail
    assert _audited(run, review="signed_off")
    theme = _themes(run)["Parking"]
    refused = client.post(
        reverse("analysis:theme_rename", args=[run.code, theme.key]), {"label": "Car parks"}, follow=True
    )
    assert "cannot be changed" in refused.content.decode()
    theme.refresh_from_db()
    assert theme.label == "Parking"


def test_sign_off_page_says_what_stops_it(run, analyst) -> None:
    Theme.objects.filter(label="Parking").update(label="Waiting times")
    client = _client(analyst)
    page = client.get(reverse("analysis:review_sign_off", args=[run.code])).content.decode()
    assert "Two themes are called" in page and 'type="submit"' not in page.split("<main")[1]
    reply = client.post(reverse("analysis:review_sign_off", args=[run.code]))
    assert reply.status_code == 200 and "govuk-error-summary" in reply.content.decode()


def test_an_administrator_reopens_with_a_reason(run, analyst, admin) -> None:
    review.framework_sign_off(run=run, actor=analyst)
    client = _client(admin)
    url = reverse("analysis:review_reopen", args=[run.code])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200
    body = empty.content.decode()
    assert 'href="#id_reason"' in body and "Enter why the framework needs to change." in body
    assert client.post(url, {"reason": "Parking is two themes"}).status_code == 302
    page = client.get(reverse("analysis:review", args=[run.code])).content.decode()
    assert "Parking is two themes" in page and "Framework reopened" in page


def test_drawing_a_sample_checks_its_size(run, analyst) -> None:
    client = _client(analyst)
    url = reverse("analysis:sample_new", args=[run.code])
    form = client.get(url).content.decode()
    assert 'value="12"' in form  # 50 by default, but there are only 12 responses
    for size, message in [
        ("", "Enter how many responses to sample."),
        ("ten", "Enter the sample size as a whole number, like 50."),
        ("13", "Enter a sample size between 1 and 12, the number of responses there are."),
        ("0", "Enter a sample size between 1 and 12, the number of responses there are."),
    ]:
        reply = client.post(url, {"size": size})
        assert reply.status_code == 200
        assert message in reply.content.decode() and 'href="#id_size"' in reply.content.decode()
    reply = client.post(url, {"size": "5"})
    sample = QualitySample.objects.get()
    assert reply["Location"] == reverse("analysis:sample_detail", args=[sample.code])
    assert sample.size == 5 and sample.drawn_by == analyst


def test_second_coding_through_the_pages_is_blind_and_resumable(run, analyst, second) -> None:
    sample = review.sample_draw(run=run, actor=analyst, size=3, seed=5)
    drawer = _client(analyst)
    refused = drawer.get(reverse("analysis:sample_code_next", args=[sample.code]), follow=True)
    assert "You drew this sample" in refused.content.decode()

    coder = _client(second)
    start = coder.get(reverse("analysis:sample_code_next", args=[sample.code]))
    assert start["Location"] == reverse("analysis:sample_code", args=[sample.code, 1])
    page = coder.get(start["Location"]).content.decode()
    entry = sample.entries.get(position=1)
    assert entry.item.redacted in page
    assert " checked" not in page  # nothing shows how the response was coded first
    assert "First coding" not in page

    empty = coder.post(start["Location"], {})
    assert empty.status_code == 200
    body = empty.content.decode()
    assert 'href="#id_themes"' in body and "None of these themes" in body
    both = coder.post(start["Location"], {"themes": [entry.first[0]], "none": "on"})
    assert "not both" in both.content.decode()

    saved = coder.post(start["Location"], {"none": "on"})
    assert saved["Location"] == reverse("analysis:sample_code", args=[sample.code, 2])
    again = coder.get(reverse("analysis:sample_code_next", args=[sample.code]))
    assert again["Location"] == reverse("analysis:sample_code", args=[sample.code, 2])
    agreement_early = coder.get(reverse("analysis:sample_agreement", args=[sample.code]), follow=True)
    assert "not finished" in agreement_early.content.decode()

    for position in (2, 3):
        first = sample.entries.get(position=position).first
        reply = coder.post(reverse("analysis:sample_code", args=[sample.code, position]), {"themes": first})
    assert reply["Location"] == reverse("analysis:sample_agreement", args=[sample.code])
    report = coder.get(reply["Location"]).content.decode()
    assert "Coded exactly alike" in report and "67%" in report and "Too few to judge" in report
    assert "None" not in report.split("<main")[1]

    resolve = drawer.post(reverse("analysis:sample_resolve", args=[sample.code, 1]), {"accept": "second"})
    assert resolve.status_code == 302
    assert not Assignment.objects.filter(item=entry.item).exists()
    done = drawer.get(reverse("analysis:sample_agreement", args=[sample.code])).content.decode()
    assert "Second coding accepted" in done
    wrong = drawer.post(
        reverse("analysis:sample_resolve", args=[sample.code, 1]), {"accept": "third"}, follow=True
    )
    assert "Choose which coding to accept." in wrong.content.decode()


def test_coding_every_response_from_the_review_page(run, analyst) -> None:
    review.framework_sign_off(run=run, actor=analyst)
    client = _client(analyst)
    page = client.get(reverse("analysis:review", args=[run.code])).content.decode()
    assert "Code every response to this framework" in page
    reply = client.post(reverse("analysis:review_code", args=[run.code]))
    coded = AnalysisRun.objects.get(coded_from=run)
    assert reply["Location"] == reverse("analysis:run_detail", args=[coded.code])
    assert coded.framework and coded.title == "Court visits (coded to the signed-off framework)"


def test_pages_in_welsh(run, analyst) -> None:
    client = _client(analyst)
    page = client.get("/cy" + reverse("analysis:review", args=[run.code]))
    assert page.status_code == 200
    assert 'lang="cy"' in page.content.decode()


def test_after_sign_off_the_theme_pages_offer_no_tools_but_say_why(run, analyst) -> None:
    review.framework_sign_off(run=run, actor=analyst)
    parking = _themes(run)["Parking"]
    client = _client(analyst)
    page = client.get(reverse("analysis:theme_detail", args=[run.code, parking.key])).content.decode()
    assert "The themes were signed off as the framework, so they cannot be changed." in page
    assert "Review this theme" not in page and 'id="move-form"' not in page
    assert 'name="items"' not in page  # nothing to choose responses for
    responses = client.get(reverse("analysis:run_responses", args=[run.code])).content.decode()
    assert "Make a theme from the responses you choose" not in responses
    # Sentiment can still be corrected.
    item = run.items.first()
    assert reverse("analysis:item_sentiment", args=[run.code, item.pk]) in responses


def test_splitting_a_theme_labels_each_part_in_plain_words(run: AnalysisRun, analyst: User) -> None:
    """A split theme's parts get labels as discovery gives them: no keyword pairs."""
    from chorus.analysis.services.stored import to_bytes

    theme = ThemeFactory(run=run, key=10, label="Mixed", description="")
    texts = [
        *(f"The car park was full again on {day}" for day in ("Monday", "Tuesday", "Friday", "Sunday")),
        *(f"The waiting room was cold on {day}" for day in ("Monday", "Tuesday", "Friday", "Sunday")),
    ]
    rng = random.Random(3)
    for n, text in enumerate(texts):
        vector = [rng.gauss(0, 0.05) for _ in range(8)]
        vector[0 if n < 4 else 1] += 1.0
        item = ItemFactory(run=run, text=text, vector=to_bytes(np.array(vector), np.float16))
        AssignmentFactory(item=item, theme=theme)
    parts = services.theme_split(theme=theme, actor=analyst, parts=2)
    assert len(parts) == 2
    for part in parts:
        assert part.label and " / " not in part.label
        assert part.description.startswith("Responses about")
        assert part.assignments.count() == 4


def test_a_theme_name_that_is_empty_or_too_long_is_refused_on_the_page_with_what_was_typed(
    run, analyst
) -> None:
    # Found walking the analyst's journey: the error was a bare message after a redirect,
    # the typed name lost, and the browser cut a long name to 200 characters unannounced.
    client = Client()
    sign_in(client, analyst)
    theme = _themes(run)["Parking"]
    url = reverse("analysis:theme_rename", args=[run.code, theme.key])
    page = client.get(reverse("analysis:theme_detail", args=[run.code, theme.key])).content.decode()
    label_input = re.search(r'<input[^>]*name="label"[^>]*>', page)
    assert label_input and "maxlength" not in label_input.group(0)
    long = "Very long name " * 20
    reply = client.post(url, {"label": long, "description": "Kept"})
    html = reply.content.decode()
    assert reply.status_code == 200
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert 'href="#id_label"' in html and "Keep the theme&#x27;s name to 200 characters or fewer." in html
    assert long.strip() in html and "Kept" in html and '<details class="govuk-details" open>' in html
    reply = client.post(url, {"label": "  ", "description": ""})
    assert "Enter a name for the theme." in reply.content.decode()
    theme.refresh_from_db()
    assert theme.label == "Parking"


def test_a_response_in_no_theme_says_so_and_the_sentiment_list_starts_at_its_own(run, analyst) -> None:
    # Found walking the analyst's journey: "None" in the Themes column, and "Correct it"
    # always starting on "Positive", so Save without looking turned a negative one positive.
    ItemFactory(
        run=run, text="Nothing like the others", redacted="Nothing like the others", sentiment="negative"
    )
    client = Client()
    sign_in(client, analyst)
    html = client.get(reverse("analysis:run_responses", args=[run.code])).content.decode()
    assert "Not in any theme" in html and ">None<" not in html
    row = html[html.index("Nothing like the others") :]
    select = row[row.index("<select") : row.index("</select>")]
    assert '<option value="negative" selected>' in select and 'positive" selected' not in select


def test_text_in_the_other_language_is_marked_with_its_own(run, analyst) -> None:
    # Found walking the analyst's journey in Welsh: descriptions Chorus writes in English,
    # and Welsh responses on English pages, carried no lang of their own (WCAG 3.1.2).
    theme = _themes(run)["Parking"]
    welsh = "Mae'r llys agosaf yn rhy bell i deithio iddo ac nid oes bws."
    item = ItemFactory(run=run, text=welsh, redacted=welsh)
    AssignmentFactory(item=item, theme=theme)
    client = Client()
    sign_in(client, analyst)
    english = client.get(reverse("analysis:run_responses", args=[run.code])).content.decode()
    assert f'<span lang="cy">{welsh}' in english.replace("&#x27;", "'")
    assert '<span lang="en">Response 1 about' not in english  # English on an English page: no mark
    with translation.override("cy"):
        url = reverse("analysis:theme_detail", args=[run.code, theme.key])
    page = client.get(url).content.decode()
    assert '<p class="govuk-body-l" lang="en">About parking</p>' in page
    assert '<span lang="cy">' not in page.replace(f'<span lang="cy">{welsh}'.replace("'", "&#x27;"), "")


def test_deleting_a_theme_asks_first_and_its_old_page_says_where_it_went(run, analyst) -> None:
    # Found walking the analyst's journey: one click deleted a theme, and the back button
    # after a merge showed "Page not found".
    client = Client()
    sign_in(client, analyst)
    themes = _themes(run)
    parking, waiting, staff = themes["Parking"], themes["Waiting times"], themes["Staff attitude"]
    url = reverse("analysis:theme_delete", args=[run.code, parking.key])
    page = client.get(url).content.decode()
    assert "Delete the theme “Parking”?" in page and "Yes, delete this theme" in page
    assert "Its 4 responses will go to their next closest theme, or to none." in page
    assert Theme.objects.filter(pk=parking.pk).exists(), "asking deletes nothing"
    reply = client.post(url, {"next": reverse("analysis:run_detail", args=[run.code])})
    assert reply.status_code == 302 and not Theme.objects.filter(pk=parking.pk).exists()
    gone = client.get(reverse("analysis:theme_detail", args=[run.code, parking.key]), follow=True)
    assert "That theme was deleted" in gone.content.decode()
    client.post(reverse("analysis:theme_merge", args=[run.code, waiting.key]), {"into": staff.pk})
    back = client.get(reverse("analysis:theme_detail", args=[run.code, waiting.key]), follow=True)
    html = back.content.decode()
    assert back.redirect_chain[-1][0].endswith(f"/themes/{staff.key}/")
    assert "That theme was merged into “Staff attitude”, shown here." in html
    never = client.get(reverse("analysis:theme_detail", args=[run.code, 999]))
    assert never.status_code == 404


def test_a_question_s_analysis_names_its_consultation_in_the_list_page_and_report(run, analyst) -> None:
    # Found walking the analyst's journey: two analyses both read "Why do you say that?".
    consultation = run.question.section.consultation
    consultation.title = "Court visits in Wales"
    consultation.save(update_fields=["title"])
    client = Client()
    sign_in(client, analyst)
    listed = client.get(reverse("analysis:run_list")).content.decode()
    assert "Court visits in Wales ·" in listed
    page = client.get(reverse("analysis:run_detail", args=[run.code])).content.decode()
    assert ": Court visits in Wales</span>" in page
    report = client.get(reverse("analysis:report", args=[run.code]))
    body = b"".join(report.streaming_content).decode() if report.streaming else report.content.decode()
    assert "A question of the consultation “Court visits in Wales”." in body
