"""Starting an analysis, running it in the background, and storing what the engine found:
themes, items and assignments, with the themes analysts locked on earlier runs carried over."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chorus.analysis.models import AnalysisRun, Assignment, Item, Theme
from chorus.analysis.services.models_cache import (
    embedder_for_run,
    sentiment_corrections,
    tuned_sentiment_folder,
)
from chorus.analysis.services.stored import counts_refresh, item_build, known_names, to_bytes, vector_of
from chorus.analysis.sources import Text, texts_for
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.tasks import Interrupted, background, enqueue_after_commit, on_interrupted

if TYPE_CHECKING:
    from chorus.accounts.models import User
    from chorus.analysis.engine.pipeline import Analysis
    from chorus.analysis.engine.tuning import TunedSentiment

log = logging.getLogger(__name__)

LOCKED_MATCH = 0.55  # a response joins a locked theme from an earlier run when this close to it


def run_create(
    *, actor: User, subject: str, target: Any, mode: str, framework: list[dict[str, Any]]
) -> AnalysisRun:
    """Record a new analysis and queue it. ``target`` is the question, consultation,
    service, social source or activity (its evaluation comments) to analyse."""
    from chorus.analysis.engine.framework import CodedTheme, check

    if framework:
        check([CodedTheme(t["name"], t.get("description", ""), t.get("examples", [])) for t in framework])
    if mode == AnalysisRun.Mode.REMOTE and not settings.CHORUS_EMBEDDINGS_URL:
        raise ValidationError(_("No embeddings service is configured: choose fast or accurate."))
    field = {
        AnalysisRun.Subject.QUESTION: "question",
        AnalysisRun.Subject.CONSULTATION: "consultation",
        AnalysisRun.Subject.SERVICE: "service",
        AnalysisRun.Subject.SOCIAL: "social_source",
        AnalysisRun.Subject.EVENT: "activity",
    }[AnalysisRun.Subject(subject)]
    team = target.section.consultation.team if field == "question" else target.team
    title = str(target.text if field == "question" else target)
    with transaction.atomic():
        run = AnalysisRun(
            title=title[:300],
            subject=subject,
            team=team,
            mode=mode,
            framework=framework,
            created_by=actor,
            **{field: target},
        )
        run.full_clean()
        run.save()
        enqueue_after_commit(run_analysis, run.pk)
    return run


# Why a run failed, as stored in ``AnalysisRun.error``: English msgids, shown translated.
FAULT = gettext_noop(
    "The analysis stopped because of a fault in Chorus. Try it again; if it stops again, tell "
    "your Chorus administrator the address of this page: the log names the analysis by it."
)
STOPPED = gettext_noop(
    "The analysis did not finish: the worker running it stopped. Try it again; "
    "if it stops again, tell your Chorus administrator."
)


@background(queue="analysis")
def run_analysis(run_id: int) -> None:
    run = AnalysisRun.objects.get(pk=run_id)
    if run.status not in (AnalysisRun.Status.QUEUED, AnalysisRun.Status.FAILED):
        return
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.RUNNING, started_at=timezone.now(), stage="Starting", progress=0.0, error=""
    )
    try:
        run_execute(run)
    except Exception:
        # The details go to the log, named by the analysis's code (its page's address); the
        # page says what to do, in the reader's language (``error`` holds the English msgid).
        log.exception("Analysis %s (%s) failed", run.pk, run.code)
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED, error=FAULT, finished_at=timezone.now()
        )
        raise


@on_interrupted(run_analysis)
def run_interrupted(stopped: Interrupted) -> None:
    """The worker running an analysis stopped. Storing is one transaction, so nothing it
    half did was kept: put the run back to waiting for its next attempt, or mark it failed
    so staff can start it again from its page."""
    run_id = stopped.argument("run_id")
    if stopped.requeued:
        AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.RUNNING).update(
            status=AnalysisRun.Status.QUEUED, stage="", progress=0.0
        )
        return
    AnalysisRun.objects.filter(
        pk=run_id, status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING]
    ).update(status=AnalysisRun.Status.FAILED, error=STOPPED, finished_at=timezone.now())


def run_retry(*, run: AnalysisRun, actor: User) -> AnalysisRun:
    """Start a failed analysis again, from the beginning."""
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().get(pk=run.pk)
        if run.status != AnalysisRun.Status.FAILED:
            raise ValidationError(_("Only an analysis that failed can be tried again."))
        run.status = AnalysisRun.Status.QUEUED
        run.stage, run.progress, run.error, run.finished_at = "", 0.0, "", None
        run.save(update_fields=["status", "stage", "progress", "error", "finished_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=run, detail={"retried": True})
        enqueue_after_commit(run_analysis, run.pk)
    return run


def run_execute(run: AnalysisRun) -> None:
    """Analyse the run's texts and store the themes, items and assignments."""
    from chorus.analysis.engine import analyse
    from chorus.analysis.engine.framework import CodedTheme

    def progress(stage: str, fraction: float) -> None:
        AnalysisRun.objects.filter(pk=run.pk).update(stage=stage, progress=round(fraction, 3))

    texts = texts_for(run)
    embedder = embedder_for_run(run)
    corrections = sentiment_corrections(run)
    tuned = _sentiment_tune(run, corrections, progress)
    framework = [
        CodedTheme(t["name"], t.get("description", ""), t.get("examples", [])) for t in run.framework
    ]
    result = analyse(
        [t.text for t in texts],
        embedder=embedder,
        framework=framework or None,
        names=known_names(),
        stances=[t.stance or None for t in texts] if any(t.stance for t in texts) else None,
        sentiment_examples=corrections,
        tuned_sentiment=tuned,
        tune_framework=run.mode == AnalysisRun.Mode.ACCURATE,
        progress=progress,
    )
    vectors = result.vectors if result.vectors is not None and texts else np.zeros((0, 1))
    if settings.CHORUS_CHAT_URL and not framework:
        progress("Rewriting theme labels", 0.95)
        _labels_rewrite(result)
    with transaction.atomic():
        run.items.all().delete()
        run.themes.all().delete()
        themes = _store_themes(run, result)
        item_ids = _store_items(run, texts, result, vectors, themes)
        _store_quotes(result, item_ids, themes)
        no_answer = np.array([found.no_answer for found in result.items], dtype=bool)
        if not framework:
            # Coding to a framework, the framework is what the analysts chose, locked themes
            # and all: carrying a lock over as well would add a second theme of that name
            # that takes every response close to it.
            _carry_locked_themes(run, item_ids, no_answer, vectors)
        counts_refresh(run)
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.DONE,
            stage="Finished",
            progress=1.0,
            finished_at=timezone.now(),
            item_count=len(item_ids),
            framework_shares=[round(float(x), 6) for x in result.framework.shares]
            if result.framework
            else [],
            outlier_share=round(result.outlier_share, 4),
            campaign_count=len(result.campaigns),
            sentiment_source=(
                AnalysisRun.SentimentSource.TUNED
                if tuned
                else AnalysisRun.SentimentSource.CORRECTIONS
                if corrections
                else AnalysisRun.SentimentSource.SEED
            ),
            sentiment_corrections=len(corrections),
        )


def _labels_rewrite(result: Analysis) -> int:
    """Optional: have the configured chat endpoint rewrite discovered themes' labels from
    their keyphrases and redacted quotes. Returns how many it rewrote."""
    from chorus.analysis.engine.relabel import ChatLabeller

    labeller = ChatLabeller(settings.CHORUS_CHAT_URL, settings.CHORUS_CHAT_MODEL, settings.CHORUS_CHAT_KEY)
    rewritten = 0
    for theme in result.themes:
        if theme.special or not theme.quotes:
            continue
        found = labeller.rewrite(theme.keyphrases, [result.items[q].redacted for q in theme.quotes])
        if found is not None:
            theme.label, theme.description = found.label, found.description or theme.description
            rewritten += 1
    return rewritten


def _sentiment_tune(
    run: AnalysisRun, corrections: list[tuple[str, str]], progress: Any
) -> TunedSentiment | None:
    """In accurate mode, with at least ``tuning.MIN_PER_LABEL`` corrections of each
    sentiment, fine-tune MiniLM on them (a minute or two on a CPU) and keep the model
    beside the run, so responses arriving later are scored by it too. Otherwise None: the
    corrections then join Chorus's own examples in a logistic regression."""
    from chorus.analysis.engine import tuning

    if run.mode != AnalysisRun.Mode.ACCURATE:
        return None
    try:
        tuning.check(corrections)
    except tuning.TuningError:
        return None
    stage = "Learning sentiment from analysts' corrections"
    progress(stage, 0.0)

    def reported(done: float) -> None:
        progress(stage, round(0.02 * done, 3))

    try:
        tuned = tuning.tune_sentiment(corrections, progress=reported)
        tuned.save(tuned_sentiment_folder(run.pk))
    except Exception:  # out of memory or disk: the corrections still count, untuned
        log.exception("Analysis %s: fine-tuning sentiment failed; using the corrections untuned", run.pk)
        return None
    return tuned


def _store_themes(run: AnalysisRun, result: Analysis) -> dict[int, Theme]:
    themes: dict[int, Theme] = {}
    for level in ("broad", "fine"):
        for t in result.themes:
            if t.level != level:
                continue
            themes[t.key] = Theme.objects.create(
                run=run,
                key=t.key,
                level=t.level,
                parent=themes.get(t.parent) if t.parent is not None else None,
                label=t.label[:200],
                description=t.description,
                keyphrases=t.keyphrases,
                stance=t.stance,
                centroid=to_bytes(t.centroid),
                special=t.special,
            )
    return themes


STORE_BATCH = 2000  # items built, saved and assigned at a time


def _store_items(
    run: AnalysisRun,
    texts: Sequence[Text],
    result: Analysis,
    vectors: np.ndarray,
    themes: dict[int, Theme],
) -> list[int]:
    """Save an ``Item`` per text and its assignments, ``STORE_BATCH`` texts at a time, so
    a million responses never hold a million model instances at once; returns the items'
    ids in the texts' order."""
    sizes = {g: len(members) for g, members in enumerate(result.campaigns)}
    ids: list[int] = []
    for start in range(0, len(texts), STORE_BATCH):
        found = result.items[start : start + STORE_BATCH]
        rows = Item.objects.bulk_create(
            [
                item_build(
                    run=run,
                    text=t,
                    found=f,
                    vector=vectors[start + i],
                    campaign_size=sizes.get(f.campaign, 1) if f.campaign is not None else 1,
                )
                for i, (t, f) in enumerate(zip(texts[start : start + STORE_BATCH], found, strict=True))
            ],
            batch_size=1000,
        )
        Assignment.objects.bulk_create(
            [
                Assignment(item_id=item.pk, theme=themes[key], confidence=round(confidence, 4))
                for item, f in zip(rows, found, strict=True)
                for key, confidence in f.themes
            ],
            batch_size=STORE_BATCH,
        )
        ids.extend(item.pk for item in rows)
    return ids


def _store_quotes(result: Analysis, item_ids: Sequence[int], themes: dict[int, Theme]) -> None:
    """Representative quotes, as item ids."""
    for t in result.themes:
        if t.quotes:
            Theme.objects.filter(pk=themes[t.key].pk).update(quotes=[item_ids[i] for i in t.quotes])


def _previous_locked(run: AnalysisRun) -> list[Theme]:
    return list(
        Theme.objects.filter(
            locked=True,
            level=Theme.Level.FINE,
            run__subject=run.subject,
            run__question=run.question,
            run__consultation=run.consultation,
            run__service=run.service,
            run__social_source=run.social_source,
            run__activity=run.activity,
        )
        .exclude(run=run)
        .order_by("run__created_at")
    )


def _carry_locked_themes(
    run: AnalysisRun, item_ids: Sequence[int], no_answer: np.ndarray, vectors: np.ndarray
) -> None:
    """Locked themes from earlier runs of the same subject come back as they were: their
    name and description, and the responses closest to them."""
    locked = {t.label: t for t in _previous_locked(run)}  # the latest lock of each name wins
    if not locked or not len(item_ids):
        return
    kept: list[Theme] = []
    for old in locked.values():
        theme = Theme.objects.create(
            run=run,
            key=(run.themes.order_by("-key").values_list("key", flat=True).first() or 0) + 1,
            level=Theme.Level.FINE,
            label=old.label,
            description=old.description,
            keyphrases=old.keyphrases,
            centroid=old.centroid,
            locked=True,
            locked_by=old.locked_by,
        )
        kept.append(theme)
    centroids = np.stack([vector_of(t.centroid) for t in kept])  # type: ignore[misc]
    for start in range(0, len(item_ids), STORE_BATCH):
        similarity = vectors[start : start + STORE_BATCH] @ centroids.T
        best = similarity.argmax(axis=1)
        close = (similarity[np.arange(len(best)), best] >= LOCKED_MATCH) & ~no_answer[
            start : start + STORE_BATCH
        ]
        joined = [(item_ids[start + i], kept[best[i]]) for i in np.flatnonzero(close).tolist()]
        Assignment.objects.filter(item_id__in=[item for item, _theme in joined]).delete()
        Assignment.objects.bulk_create(
            [Assignment(item_id=item, theme=theme, confidence=1.0) for item, theme in joined],
            batch_size=STORE_BATCH,
        )
    # Discovered themes the locked ones emptied go.
    run.themes.filter(level=Theme.Level.FINE, locked=False, special="").annotate(
        n=Count("assignments")
    ).filter(n=0).delete()
