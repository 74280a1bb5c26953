"""The models a finished run scores new texts with: its embedder, its sentiment model
(Chorus's own examples, the analysts' corrections, or a fine-tuned model kept on disk),
and an engine ``Analysis`` rebuilt from its stored themes. Each worker keeps a few in
memory."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings

from chorus.analysis.models import AnalysisRun, Item, Theme
from chorus.analysis.services.stored import vector_of

if TYPE_CHECKING:
    from chorus.analysis.engine.embed import Embedder
    from chorus.analysis.engine.pipeline import Analysis
    from chorus.analysis.engine.tuning import TunedSentiment

log = logging.getLogger(__name__)

KEPT_MODELS = 8  # per worker process; each tuned one holds about 90 MB
_sentiment_models: dict[tuple[str, int | None], Any] = {}
_tuned_models: dict[int, TunedSentiment] = {}


def embedder_for_run(run: AnalysisRun) -> Embedder:
    from chorus.analysis.engine import embedder_for

    if run.mode == AnalysisRun.Mode.REMOTE:
        return embedder_for(
            "remote",
            base_url=settings.CHORUS_EMBEDDINGS_URL,
            model=settings.CHORUS_EMBEDDINGS_MODEL,
            api_key=settings.CHORUS_EMBEDDINGS_KEY,
        )
    return embedder_for(run.mode)


def sentiment_corrections(run: AnalysisRun) -> list[tuple[str, str]]:
    """Sentiments analysts corrected on earlier runs of the same subject: the model learns from them."""
    earlier = Item.objects.filter(
        sentiment_by_analyst=True,
        run__subject=run.subject,
        run__question=run.question,
        run__consultation=run.consultation,
        run__service=run.service,
        run__social_source=run.social_source,
        run__activity=run.activity,
    ).exclude(run=run)
    return list(earlier.values_list("text", "sentiment")[:2000])


def tuned_sentiment_folder(run_id: int) -> Path:
    """Where a run's fine-tuned sentiment model is kept: in the model folder, which
    workers on several machines must share (see docs/deploying.md)."""
    return Path(settings.CHORUS_MODEL_DIR) / "sentiment" / f"run-{run_id}"


def tuned_sentiment_prune() -> int:
    """Remove the fine-tuned models of runs that no longer exist. Returns how many."""
    parent = Path(settings.CHORUS_MODEL_DIR) / "sentiment"
    if not parent.is_dir():
        return 0
    folders = {
        int(f.name.removeprefix("run-")): f
        for f in parent.iterdir()
        if f.is_dir() and f.name.removeprefix("run-").isdigit()
    }
    alive = set(AnalysisRun.objects.filter(pk__in=folders).values_list("pk", flat=True))
    for run_id, folder in folders.items():
        if run_id not in alive:
            shutil.rmtree(folder, ignore_errors=True)
    return len(folders) - len(alive)


def analysis_for(run: AnalysisRun, embedder: Embedder) -> Analysis:
    """An engine ``Analysis`` rebuilt from the stored themes, to assign new texts."""
    from chorus.analysis.engine import pipeline
    from chorus.analysis.engine.framework import CodedTheme, FrameworkModel

    themes = []
    for t in run.themes.filter(level=Theme.Level.FINE):
        themes.append(
            pipeline.Theme(
                key=t.pk,
                level="fine",
                label=t.label,
                description=t.description,
                keyphrases=[],
                centroid=vector_of(t.centroid),
                special=t.special,
                stance=dict(t.stance or {}),
            )
        )
    tuned = _tuned_sentiment(run)
    # With a tuned model, the examples model is only the engine's required fallback: the
    # shared seed-only one, not a second model trained on the corrections.
    sentiment = _sentiment_model(embedder, None if tuned else run)
    framework = None
    if run.framework:
        coded = [
            CodedTheme(t["name"], t.get("description", ""), t.get("examples", [])) for t in run.framework
        ]
        examples = [text for t in coded for text in [f"{t.name}. {t.description}".strip(), *t.examples]]
        model = FrameworkModel(
            coded,
            example_vectors=embedder.encode(examples),
            corpus=[],
            corpus_vectors=np.zeros((0, 1)),
            self_training=0,
            shares=run.framework_shares if len(run.framework_shares) == len(coded) else None,
        )
        by_name = {t.label: t.key for t in themes}
        keys = [by_name.get(c.name) for c in coded]
        original = model.predict
        model.predict = lambda texts, vectors, **kw: [  # type: ignore[method-assign]
            [(keys[i], c) for i, c in row if keys[i] is not None] for row in original(texts, vectors, **kw)
        ]
        framework = model
    return pipeline.Analysis(
        embedder=embedder,
        sentiment_model=sentiment,
        themes=themes,
        items=[],
        campaigns=[],
        names=None,
        framework=framework,
        tuned_sentiment=tuned,
    )


def _sentiment_model(embedder: Embedder, run: AnalysisRun | None) -> Any:
    """The model that scored the run: Chorus's own examples, with the analysts'
    corrections it learnt from where there were any (none when ``run`` is None)."""
    from chorus.analysis.engine.sentiment import SentimentModel

    learnt_from = (
        run if run is not None and run.sentiment_source != AnalysisRun.SentimentSource.SEED else None
    )
    key = (embedder.name, learnt_from.pk if learnt_from else None)
    if key not in _sentiment_models:
        if len(_sentiment_models) >= KEPT_MODELS:
            _sentiment_models.clear()
        _sentiment_models[key] = SentimentModel(
            embedder, sentiment_corrections(learnt_from) if learnt_from else ()
        )
    return _sentiment_models[key]


def _tuned_sentiment(run: AnalysisRun) -> TunedSentiment | None:
    from chorus.analysis.engine.tuning import TunedSentiment

    if run.sentiment_source != AnalysisRun.SentimentSource.TUNED:
        return None
    if run.pk not in _tuned_models:
        folder = tuned_sentiment_folder(run.pk)
        if not (folder / "classifier.json").exists():
            log.warning(
                "Analysis %s: its fine-tuned sentiment model is not in %s, so new responses are scored "
                "by the examples model; is CHORUS_MODEL_DIR shared between the workers?",
                run.pk,
                folder,
            )
            return None
        if len(_tuned_models) >= KEPT_MODELS:
            _tuned_models.clear()
        _tuned_models[run.pk] = TunedSentiment.load(folder)
    return _tuned_models[run.pk]
