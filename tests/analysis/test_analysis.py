"""Analyses through the staff pages: start, review, search, export, follow new responses."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.analysis.emerging import emerging_notify, service_emerging_detect
from chorus.analysis.models import AnalysisRun, Assignment, Item, SocialPost, Theme, ThemeChange
from chorus.consultations.models import Consultation, Question
from chorus.feedback.models import PageFeedback
from tests.analysis.corpus import corpus
from tests.conftest import sign_in
from tests.core.export_helpers import exported_bytes
from tests.factories import (
    AnalysisRunFactory,
    AnswerFactory,
    ConsultationFactory,
    ItemFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ServiceFactory,
    SocialSourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(team) -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court visits",
        summary="Tell us.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
        team=team,
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    question = QuestionFactory(section=section, kind="text", text="What happened?", order=1)
    texts, _ = corpus(per_topic=20)
    texts.append("Dr Jones was rude, call me on 07700 900123")
    for i, text in enumerate(texts):
        response = ResponseFactory(
            consultation=consultation, reference=f"R{i:06d}", email=f"p{i}@example.com"
        )
        AnswerFactory(response=response, question=question, value=text)
    return consultation


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    def go(client: Client, subject: str) -> AnalysisRun:
        with django_capture_on_commit_callbacks(execute=True):
            return _start(client, subject)

    return go


def _start(client: Client, subject: str) -> AnalysisRun:
    reply = client.post(reverse("analysis:run_start"), {"subject": subject, "mode": "fast"})
    assert reply.status_code == 302, reply.content.decode()[:2000]
    return AnalysisRun.objects.latest("created_at")


def test_an_officer_analyses_a_question_and_reviews_its_themes(
    officer_client: Client, consultation, start, officer
) -> None:
    question = Question.objects.get(section__consultation=consultation)
    run = start(officer_client, f"question:{question.code}")
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE and run.item_count == 61
    page = officer_client.get(reverse("analysis:run_detail", args=[run.code]) + "?level=fine")
    assert page.status_code == 200
    fine = list(run.themes.filter(level="fine").order_by("-size"))
    assert len(fine) >= 2
    flagged = Item.objects.get(run=run, text__startswith="Dr Jones")
    assert flagged.personal_data == ["name", "phone"] and "07700" not in flagged.redacted

    first, second = fine[0], fine[1]
    detail = officer_client.get(reverse("analysis:theme_detail", args=[run.code, first.key]))
    assert detail.status_code == 200 and first.label in detail.content.decode()
    officer_client.post(
        reverse("analysis:theme_rename", args=[run.code, first.key]),
        {"label": "Delays", "description": "Late hearings"},
    )
    first.refresh_from_db()
    assert first.label == "Delays"
    moved = list(Item.objects.filter(assignments__theme=second).values_list("pk", flat=True)[:2])
    officer_client.post(
        reverse("analysis:items_move", args=[run.code]),
        {"source": second.key, "target": first.pk, "items": moved},
    )
    assert Assignment.objects.filter(theme=first, item_id__in=moved, by_analyst=True).count() == 2
    officer_client.post(reverse("analysis:theme_lock", args=[run.code, first.key]), {"locked": "1"})
    reply = officer_client.post(
        reverse("analysis:theme_merge", args=[run.code, second.key]), {"into": first.pk}, follow=True
    )
    assert "is locked" in reply.content.decode()
    assert Theme.objects.filter(pk=second.pk).exists()
    officer_client.post(reverse("analysis:theme_lock", args=[run.code, first.key]), {"locked": "0"})
    officer_client.post(reverse("analysis:theme_merge", args=[run.code, second.key]), {"into": first.pk})
    assert not Theme.objects.filter(pk=second.pk).exists()
    actions = list(ThemeChange.objects.filter(run=run).values_list("action", "actor"))
    assert {a for a, _ in actions} >= {"rename", "move", "lock", "unlock", "merge"}
    assert all(actor == officer.pk for _, actor in actions)


def test_new_responses_are_assigned_to_a_finished_analysis(
    officer_client: Client, consultation, start, django_capture_on_commit_callbacks
) -> None:
    run = start(officer_client, f"consultation:{consultation.code}")
    question = Question.objects.get(section__consultation=consultation)
    before = Item.objects.filter(run=run).count()
    from chorus.core.hooks import texts_received

    with django_capture_on_commit_callbacks(execute=True):
        response = ResponseFactory(consultation=consultation, reference="NEW0001")
        AnswerFactory(
            response=response,
            question=question,
            value="On hold on the telephone for an hour and nobody picked up",
        )
        # What the journey, staff entry and imports send once a response is stored; analysis
        # hears of it through the hook, after the commit.
        texts_received(
            source="response", ids=[response.pk], subject="consultation", target_id=consultation.pk
        )
    item = Item.objects.get(run=run, text__startswith="On hold on the telephone")
    assert Item.objects.filter(run=run).count() == before + 1
    assert item.assignments.exists()


def test_search_filters_and_exports_use_redacted_text(officer_client: Client, consultation, start) -> None:
    run = start(officer_client, f"consultation:{consultation.code}")
    page = officer_client.get(reverse("analysis:run_responses", args=[run.code]), {"q": "helpline"})
    body = page.content.decode()
    assert page.status_code == 200 and "helpline" in body.lower() and "usher" not in body.lower()
    negative = officer_client.get(
        reverse("analysis:run_responses", args=[run.code]), {"sentiment": "negative"}
    )
    assert negative.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(
                exported_bytes(officer_client, reverse("analysis:assignments_csv", args=[run.code])).decode()
            )
        )
    )
    assert rows[0][0] == "response" and len(rows) == 62
    assert not any("07700" in cell for row in rows for cell in row)
    themes = exported_bytes(officer_client, reverse("analysis:themes_csv", args=[run.code])).decode()
    assert "fine" in themes and "broad" in themes
    report = officer_client.get(reverse("analysis:report", args=[run.code]))
    assert report.status_code == 200 and "07700" not in report.content.decode()


def test_outsiders_cannot_see_or_change_an_analysis(
    client: Client, officer_client: Client, consultation, start, outsider, viewer
) -> None:
    run = start(officer_client, f"consultation:{consultation.code}")
    theme = run.themes.filter(level="fine").first()
    sign_in(client, outsider)
    assert client.get(reverse("analysis:run_detail", args=[run.code])).status_code == 404
    sign_in(client, viewer)
    assert client.get(reverse("analysis:run_detail", args=[run.code])).status_code == 200
    assert (
        client.post(reverse("analysis:theme_rename", args=[run.code, theme.key]), {"label": "X"}).status_code
        == 403
    )


def test_a_framework_run_keeps_its_theme_shares_and_codes_new_responses_with_them(
    officer_client: Client, consultation, django_capture_on_commit_callbacks
) -> None:
    from chorus.analysis.services import embedder_for_run, responses_added
    from chorus.analysis.services.models_cache import analysis_for

    framework = (
        "theme,description,example\n"
        "Delays,Waiting for hearings to start,The hearing started 3 hours late\n"
        "Telephone,Getting through on the phone,Nobody answered the phone line\n"
        "Staff manner,How staff treated people,The usher was kind and explained everything\n"
    )
    upload = SimpleUploadedFile("framework.csv", framework.encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        reply = officer_client.post(
            reverse("analysis:run_start"),
            {"subject": f"consultation:{consultation.code}", "mode": "fast", "framework": upload},
        )
    assert reply.status_code == 302
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE
    # The fixture's responses are a third about each theme (and one more).
    assert len(run.framework_shares) == 3 and sum(run.framework_shares) == pytest.approx(1, abs=1e-4)
    assert all(0.25 < share < 0.42 for share in run.framework_shares)
    rebuilt = analysis_for(run, embedder_for_run(run))
    assert rebuilt.framework is not None and list(rebuilt.framework.shares) == pytest.approx(
        run.framework_shares
    )

    question = Question.objects.get(section__consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        response = ResponseFactory(consultation=consultation, reference="NEW0002")
        AnswerFactory(response=response, question=question, value="I rang the helpline ten times")
        responses_added(consultation_id=consultation.pk, response_ids=[response.pk])
    item = Item.objects.get(run=run, text="I rang the helpline ten times")
    assert list(item.assignments.values_list("theme__label", flat=True)[:1]) == ["Telephone"]


def test_a_bad_framework_file_is_refused_with_the_reason(officer_client: Client, consultation) -> None:
    upload = SimpleUploadedFile("framework.csv", b"theme,description,example\nOnly one,desc,ex\n", "text/csv")
    reply = officer_client.post(
        reverse("analysis:run_start"),
        {"subject": f"consultation:{consultation.code}", "mode": "fast", "framework": upload},
    )
    assert reply.status_code == 200 and "at least two themes" in reply.content.decode()
    assert not AnalysisRun.objects.exists()


def test_social_posts_import_checks_every_row_and_adds_each_post_once(officer_client: Client, team) -> None:
    source = SocialSourceFactory(name="Mentions", team=team)
    url = reverse("analysis:source_detail", args=[source.code])
    bad = "author,date,text\n@a,2026-11-01,fine\n@b,not a date,hello\n,2026-11-02,\n"
    reply = officer_client.post(url, {"file": SimpleUploadedFile("posts.csv", bad.encode())})
    body = reply.content.decode()
    assert "Line 3" in body and "Line 4" in body and not SocialPost.objects.exists()
    posts = [
        {
            "handle": "@a",
            "date": "2026-11-01T10:00:00Z",
            "text": "Court was late",
            "link": "https://x.example/1",
        },
        {"handle": "@b", "date": "2026-11-02", "text": "Phone line busy"},
    ]
    for _ in range(2):
        officer_client.post(url, {"file": SimpleUploadedFile("posts.json", json.dumps(posts).encode())})
    assert SocialPost.objects.filter(source=source).count() == 2


def test_a_rise_in_negative_feedback_is_flagged_and_the_team_told(
    team, officer, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    service = ServiceFactory(name="Pay a fine", slug="pay", team=team, allowed_origins="https://pay.example")
    now = timezone.now()
    rows = []
    for day in range(1, 60):
        for _ in range(4):
            rows.append(
                PageFeedback(
                    service=service,
                    kind="useful",
                    page="https://pay.example/start",
                    created_at=now - timedelta(days=day),
                )
            )
    for i in range(25):
        rows.append(
            PageFeedback(
                service=service,
                kind="problem",
                page="https://pay.example/card",
                text=f"Card payment failed again {i}",
                created_at=now,
            )
        )
    PageFeedback.objects.bulk_create(rows)
    issues = service_emerging_detect(service)
    assert any(i.about == "page" and i.key == "https://pay.example/card" for i in issues)
    assert any(i.kind == "negative" for i in issues)
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext  # noqa: F401

    with transaction.atomic():
        emerging_notify(service, issues)
    assert service_emerging_detect(service) == []  # found once a day


def test_a_configured_chat_endpoint_rewrites_labels_from_redacted_quotes(
    officer_client: Client, consultation, start, settings
) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    prompts: list[str] = []

    class Chat(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompts.append(body["messages"][1]["content"])
            number = len(prompts)
            reply = {"label": f"Rewritten theme {number}", "description": "What people said, in a sentence."}
            # Every third answer is unusable: the engine's own label stays.
            content = "not json" if number % 3 == 0 else f"```json\n{json.dumps(reply)}\n```"
            data = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Chat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CHORUS_CHAT_URL = f"http://127.0.0.1:{server.server_port}/v1"
    settings.CHORUS_CHAT_MODEL = "local"
    try:
        question = Question.objects.get(section__consultation=consultation)
        run = start(officer_client, f"question:{question.code}")
    finally:
        server.shutdown()
    labels = list(run.themes.exclude(special="").values_list("label", flat=True)) + list(
        run.themes.filter(special="").values_list("label", flat=True)
    )
    assert any(label.startswith("Rewritten theme") for label in labels)
    assert any(not label.startswith("Rewritten theme") for label in labels)
    assert prompts and not any("07700" in p or "Dr Jones" in p for p in prompts)


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ('{"label": "Waiting times", "description": "Long waits."}', "Waiting times"),
        ('Sure! {"label": "Phone line", "description": ""} hope that helps', "Phone line"),
        ("no json here", None),
        ('{"label": "' + "word " * 20 + '"}', None),
        ('["a list"]', None),
    ],
)
def test_chat_answers_are_checked_before_use(answer: str, label: str | None) -> None:
    from chorus.analysis.engine.relabel import parse

    found = parse(answer)
    assert (found.label if found else None) == label


def test_every_stage_a_run_reports_has_a_translated_name() -> None:
    """The engine (no Django) and the services name the stage in English; the page shows
    the translated name from ``STAGES``, so a new stage must be added there too."""
    import re
    from pathlib import Path

    import chorus.analysis.engine.pipeline as pipeline
    import chorus.analysis.services.runs as runs
    from chorus.analysis.models import STAGES

    reported: set[str] = set()
    for module in (pipeline, runs):
        source = Path(module.__file__ or "").read_text()
        reported |= set(re.findall(r'(?:step|progress)\(\s*"([^"]+)"', source))
        reported |= set(re.findall(r'stage="([^"]+)"', source))
    assert len(reported) >= 10
    assert reported - set(STAGES) == set()


@pytest.mark.slow
def test_an_accurate_run_learns_sentiment_from_analysts_corrections(
    officer_client: Client, consultation, django_capture_on_commit_callbacks, settings, tmp_path
) -> None:
    """With 20 corrections of each sentiment on an earlier run of the same subject, an
    accurate run fine-tunes MiniLM on them, keeps the model, and scores later responses with it."""
    from chorus.analysis import services
    from chorus.analysis.services import models_cache

    settings.CHORUS_MODEL_DIR = str(tmp_path)
    _corrections_on_an_earlier_run(consultation)

    with django_capture_on_commit_callbacks(execute=True):
        reply = officer_client.post(
            reverse("analysis:run_start"),
            {"subject": f"consultation:{consultation.code}", "mode": "accurate"},
        )
    assert reply.status_code == 302
    run = AnalysisRun.objects.latest("created_at")
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert run.sentiment_source == AnalysisRun.SentimentSource.TUNED
    assert run.sentiment_corrections == 60
    assert (tmp_path / "sentiment" / f"run-{run.pk}" / "classifier.json").exists()
    page = officer_client.get(reverse("analysis:run_detail", args=[run.code])).content.decode()
    assert "A model fine-tuned on analysts&#x27; corrections (60 corrections)" in page

    models_cache._tuned_models.clear()
    question = Question.objects.get(section__consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        response = ResponseFactory(consultation=consultation, reference="NEW0002")
        AnswerFactory(response=response, question=question, value="Rude staff and an awful wait")
        services.responses_added(consultation_id=consultation.pk, response_ids=[response.pk])
    item = Item.objects.get(run=run, text="Rude staff and an awful wait")
    assert item.sentiment == "negative"
    assert run.pk in models_cache._tuned_models, "the run's own tuned model scored the new response"

    # A fast run of the same subject learns from the corrections without fine-tuning.
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("analysis:run_start"), {"subject": f"consultation:{consultation.code}", "mode": "fast"}
        )
    fast = AnalysisRun.objects.latest("created_at")
    assert fast.sentiment_source == AnalysisRun.SentimentSource.CORRECTIONS
    assert not (tmp_path / "sentiment" / f"run-{fast.pk}").exists()

    # Once the run is deleted, the daily job removes its model.
    run.delete()
    assert services.tuned_sentiment_prune() == 1
    assert not (tmp_path / "sentiment" / f"run-{run.pk}").exists()


def test_a_run_whose_sentiment_tuning_fails_still_learns_from_the_corrections(
    officer_client: Client, consultation, django_capture_on_commit_callbacks, settings, tmp_path, monkeypatch
) -> None:
    from chorus.analysis.engine import tuning

    def fails(*args, **kwargs):
        raise MemoryError("no room to fine-tune")

    settings.CHORUS_MODEL_DIR = str(tmp_path)
    monkeypatch.setattr(tuning, "tune_sentiment", fails)
    _corrections_on_an_earlier_run(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("analysis:run_start"),
            {"subject": f"consultation:{consultation.code}", "mode": "accurate"},
        )
    run = AnalysisRun.objects.latest("created_at")
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert run.sentiment_source == AnalysisRun.SentimentSource.CORRECTIONS
    assert run.sentiment_corrections == 60
    assert not (tmp_path / "sentiment").exists()


def _corrections_on_an_earlier_run(consultation: Consultation) -> None:
    """60 responses whose sentiment analysts corrected (20 of each), on an earlier run."""
    from tests.analysis.test_tuning import examples

    earlier = AnalysisRunFactory(
        title="Earlier", subject="consultation", consultation=consultation, status=AnalysisRun.Status.DONE
    )
    for i, (text, label) in enumerate(examples()):
        ItemFactory(
            run=earlier,
            source="answer",
            source_id=100_000 + i,
            text=text,
            redacted=text,
            sentiment=label,
            sentiment_by_analyst=True,
        )


def test_coding_to_a_signed_off_framework_keeps_every_theme_once_when_one_was_locked(
    client: Client, consultation, start, team, django_capture_on_commit_callbacks
) -> None:
    # Found walking the analyst's journey: the locked theme came back a second time in the
    # coded run and took 82% of the responses, and the themes it emptied were deleted.
    from chorus.analysis.services import review
    from chorus.core.roles import Role
    from tests.factories import UserFactory

    analyst = UserFactory(role=Role.ANALYST, teams=[team])
    sign_in(client, analyst)
    question = Question.objects.get(section__consultation=consultation)
    run = start(client, f"question:{question.code}")
    run.refresh_from_db()
    fine = list(run.themes.filter(level="fine", special="").order_by("-size"))
    client.post(reverse("analysis:theme_lock", args=[run.code, fine[0].key]), {"locked": "1"})
    review.framework_sign_off(run=run, actor=analyst)
    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        coded = review.framework_code(run=run, actor=analyst)
    coded.refresh_from_db()
    assert coded.status == AnalysisRun.Status.DONE
    labels = list(coded.themes.filter(level="fine").values_list("label", flat=True))
    assert sorted(labels) == sorted(t["name"] for t in coded.framework), "each signed-off theme once"
    locked = coded.themes.get(level="fine", label=fine[0].label)
    assert locked.size < 0.6 * coded.item_count, "the locked theme does not take every response"
