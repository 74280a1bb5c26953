"""Starting analyses, storing what the engine found, assigning new responses, and the
analysts' changes to themes (each recorded in ``ThemeChange`` with who made it)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from chorus.analysis.models import AnalysisRun, Assignment, Item, Theme, ThemeChange
from chorus.analysis.sources import Text, texts_for
from chorus.core.tasks import background, enqueue_after_commit

if TYPE_CHECKING:
    from chorus.accounts.models import User
    from chorus.analysis.engine.embed import Embedder
    from chorus.analysis.engine.pipeline import Analysis
    from chorus.analysis.engine.tuning import TunedSentiment

log = logging.getLogger(__name__)

LOCKED_MATCH = 0.55  # a response joins a locked theme from an earlier run when this close to it


def _to_bytes(vector: np.ndarray | None, dtype: Any = np.float32) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=dtype).tobytes()


def vector_of(data: bytes | memoryview | None, dtype: Any = np.float32) -> np.ndarray | None:
    if data is None:
        return None
    return np.frombuffer(bytes(data), dtype=dtype).astype(np.float32)


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


def run_create(
    *, actor: User, subject: str, target: Any, mode: str, framework: list[dict[str, Any]]
) -> AnalysisRun:
    """Record a new analysis and queue it. ``target`` is the question, consultation,
    service or social source to analyse."""
    from chorus.analysis.engine.framework import CodedTheme, check

    if framework:
        check([CodedTheme(t["name"], t.get("description", ""), t.get("examples", [])) for t in framework])
    if mode == AnalysisRun.Mode.REMOTE and not settings.CHORUS_EMBEDDINGS_URL:
        raise ValidationError("No embeddings service is configured: choose fast or accurate.")
    field = {
        AnalysisRun.Subject.QUESTION: "question",
        AnalysisRun.Subject.CONSULTATION: "consultation",
        AnalysisRun.Subject.SERVICE: "service",
        AnalysisRun.Subject.SOCIAL: "social_source",
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
    except Exception as error:
        log.exception("Analysis %s failed", run.pk)
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise


def _names() -> list[str]:
    from chorus.directory.models import Person

    rows = Person.objects.exclude(first_name="").values_list("first_name", "last_name")
    return [f"{first} {last}" for first, last in rows.iterator(chunk_size=5000)]


def run_execute(run: AnalysisRun) -> None:
    """Analyse the run's texts and store the themes, items and assignments."""
    from chorus.analysis.engine import analyse
    from chorus.analysis.engine.framework import CodedTheme

    def progress(stage: str, fraction: float) -> None:
        AnalysisRun.objects.filter(pk=run.pk).update(stage=stage, progress=round(fraction, 3))

    texts = texts_for(run)
    embedder = embedder_for_run(run)
    corrections = _sentiment_corrections(run)
    tuned = _sentiment_tune(run, corrections, progress)
    framework = [
        CodedTheme(t["name"], t.get("description", ""), t.get("examples", [])) for t in run.framework
    ]
    result = analyse(
        [t.text for t in texts],
        embedder=embedder,
        framework=framework or None,
        names=_names(),
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
        items = _store_items(run, texts, result, vectors)
        _store_assignments(result, items, themes)
        _carry_locked_themes(run, items, vectors)
        _refresh_counts(run)
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.DONE,
            stage="Finished",
            progress=1.0,
            finished_at=timezone.now(),
            item_count=len(items),
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


def _sentiment_corrections(run: AnalysisRun) -> list[tuple[str, str]]:
    """Sentiments analysts corrected on earlier runs of the same subject: the model learns from them."""
    earlier = Item.objects.filter(
        sentiment_by_analyst=True,
        run__subject=run.subject,
        run__question=run.question,
        run__consultation=run.consultation,
        run__service=run.service,
        run__social_source=run.social_source,
    ).exclude(run=run)
    return list(earlier.values_list("text", "sentiment")[:2000])


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


def tuned_sentiment_folder(run_id: int) -> Path:
    """Where a run's fine-tuned sentiment model is kept: in the model folder, which
    workers on several machines must share (see docs/deploying.md)."""
    return Path(settings.CHORUS_MODEL_DIR) / "sentiment" / f"run-{run_id}"


def tuned_sentiment_prune() -> int:
    """Remove the fine-tuned models of runs that no longer exist. Returns how many."""
    import shutil

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
                centroid=_to_bytes(t.centroid),
                special=t.special,
            )
    return themes


def _store_items(
    run: AnalysisRun, texts: Sequence[Text], result: Analysis, vectors: np.ndarray
) -> list[Item]:
    sizes = {g: len(members) for g, members in enumerate(result.campaigns)}
    rows = [
        Item(
            run=run,
            source=t.source,
            source_id=t.source_id,
            text=t.text,
            redacted=found.redacted,
            personal_data=found.personal_data,
            sentiment=found.sentiment,
            sentiment_score=round(found.sentiment_score, 4),
            stance=t.stance,
            campaign=found.campaign,
            campaign_size=sizes.get(found.campaign, 1) if found.campaign is not None else 1,
            no_answer=found.no_answer,
            channel=t.channel,
            respondent_type=t.respondent_type,
            region=t.region,
            groups="|" + "|".join(t.groups) + "|" if t.groups else "",
            organisation_kind=t.organisation_kind,
            received_at=t.received_at,
            vector=_to_bytes(vectors[i], np.float16),
        )
        for i, (t, found) in enumerate(zip(texts, result.items, strict=True))
    ]
    return Item.objects.bulk_create(rows, batch_size=1000)


def _store_assignments(result: Analysis, items: Sequence[Item], themes: dict[int, Theme]) -> None:
    rows = [
        Assignment(item=item, theme=themes[key], confidence=round(confidence, 4))
        for item, found in zip(items, result.items, strict=True)
        for key, confidence in found.themes
    ]
    Assignment.objects.bulk_create(rows, batch_size=2000)
    # Representative quotes, as item ids.
    for t in result.themes:
        if t.quotes:
            Theme.objects.filter(pk=themes[t.key].pk).update(quotes=[items[i].pk for i in t.quotes])


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
        )
        .exclude(run=run)
        .order_by("run__created_at")
    )


def _carry_locked_themes(run: AnalysisRun, items: Sequence[Item], vectors: np.ndarray) -> None:
    """Locked themes from earlier runs of the same subject come back as they were: their
    name and description, and the responses closest to them."""
    locked = {t.label: t for t in _previous_locked(run)}  # the latest lock of each name wins
    if not locked or not len(items):
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
    similarity = vectors @ centroids.T
    best = similarity.argmax(axis=1)
    joined = [
        (items[i], kept[best[i]])
        for i in range(len(items))
        if similarity[i, best[i]] >= LOCKED_MATCH and not items[i].no_answer
    ]
    joined_items = [item.pk for item, _ in joined]
    Assignment.objects.filter(item_id__in=joined_items).delete()
    Assignment.objects.bulk_create(
        [Assignment(item=item, theme=theme, confidence=1.0) for item, theme in joined], batch_size=2000
    )
    # Discovered themes the locked ones emptied go.
    run.themes.filter(level=Theme.Level.FINE, locked=False, special="").annotate(
        n=Count("assignments")
    ).filter(n=0).delete()


def _refresh_counts(run: AnalysisRun) -> None:
    """Sizes, campaign-once counts, shares and sentiment mixes, from the assignments."""
    items = Item.objects.filter(run=run)
    weights: dict[int, float] = {}
    for pk, size in items.values_list("pk", "campaign_size").iterator(chunk_size=5000):
        weights[pk] = 1.0 / max(1, size)
    total = sum(weights.values()) or 1.0
    members: dict[int, set[int]] = defaultdict(set)
    for theme_id, parent_id, item_id in Assignment.objects.filter(theme__run=run).values_list(
        "theme_id", "theme__parent_id", "item_id"
    ):
        members[theme_id].add(item_id)
        if parent_id:
            members[parent_id].add(item_id)
    sentiment_of = dict(items.values_list("pk", "sentiment"))
    themes = list(run.themes.all())
    for theme in themes:
        rows = members.get(theme.pk, set())
        counted = sum(weights[i] for i in rows)
        mix: dict[str, int] = defaultdict(int)
        for i in rows:
            mix[sentiment_of[i]] += 1
        theme.size, theme.counted = len(rows), round(counted)
        theme.share, theme.sentiment = round(counted / total, 5), dict(mix)
    # One statement per batch rather than one per theme.
    Theme.objects.bulk_update(themes, ["size", "counted", "share", "sentiment"], batch_size=200)
    outliers = items.filter(assignments__isnull=True, no_answer=False).count()
    AnalysisRun.objects.filter(pk=run.pk).update(outlier_share=round(outliers / max(1, len(weights)), 4))


# New responses, as they arrive


def texts_added(*, source: str, ids: Iterable[int], subject: str, target_id: int) -> None:
    """Called by the apps that receive responses: queue assigning them to live analyses."""
    enqueue_after_commit(assign_new_items, source=source, ids=list(ids), subject=subject, target_id=target_id)


def _live_runs(subject: str, target_id: int) -> list[AnalysisRun]:
    done = AnalysisRun.objects.filter(status=AnalysisRun.Status.DONE, follows_new=True)
    if subject == "consultation":
        return list(
            done.filter(Q(consultation_id=target_id) | Q(question__section__consultation_id=target_id))
        )
    if subject == "service":
        return list(done.filter(service_id=target_id))
    if subject == "social":
        return list(done.filter(social_source_id=target_id))
    raise ValueError(f"Unknown subject {subject!r}")


@background(queue="analysis")
def assign_new_items(*, source: str, ids: list[int], subject: str, target_id: int) -> int:
    """Assign newly arrived responses to the themes of each finished analysis of their subject."""
    added = 0
    for run in _live_runs(subject, target_id):
        added += items_assign(run=run, ids={source: ids})
    return added


def _analysis_for(run: AnalysisRun, embedder: Embedder) -> Analysis:
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


_sentiment_models: dict[tuple[str, int | None], Any] = {}
_tuned_models: dict[int, TunedSentiment] = {}
KEPT_MODELS = 8  # per worker process; each tuned one holds about 90 MB


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
            embedder, _sentiment_corrections(learnt_from) if learnt_from else ()
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


def items_assign(*, run: AnalysisRun, ids: dict[str, list[int]]) -> int:
    """Add texts that arrived after ``run`` to it, assigned to its current themes."""
    from chorus.analysis.engine import pii

    texts = list(texts_for(run, ids=ids))
    have = set(
        Item.objects.filter(
            run=run, source__in=list(ids), source_id__in=[t.source_id for t in texts]
        ).values_list("source", "source_id")
    )
    texts = [t for t in texts if (t.source, t.source_id) not in have]
    if not texts:
        return 0
    embedder = embedder_for_run(run)
    analysis = _analysis_for(run, embedder)
    analysis.names = pii.NameList(_names())
    vectors = embedder.encode([t.text for t in texts])
    found = analysis.assign_vectors([t.text for t in texts], vectors)
    with transaction.atomic():
        rows = Item.objects.bulk_create(
            [
                Item(
                    run=run,
                    source=t.source,
                    source_id=t.source_id,
                    text=t.text,
                    redacted=f.redacted,
                    personal_data=f.personal_data,
                    sentiment=f.sentiment,
                    sentiment_score=round(f.sentiment_score, 4),
                    stance=t.stance,
                    no_answer=f.no_answer,
                    channel=t.channel,
                    respondent_type=t.respondent_type,
                    region=t.region,
                    groups="|" + "|".join(t.groups) + "|" if t.groups else "",
                    organisation_kind=t.organisation_kind,
                    received_at=t.received_at,
                    vector=_to_bytes(vectors[i], np.float16),
                )
                for i, (t, f) in enumerate(zip(texts, found, strict=True))
            ]
        )
        Assignment.objects.bulk_create(
            [
                Assignment(item=item, theme_id=key, confidence=round(c, 4))
                for item, f in zip(rows, found, strict=True)
                for key, c in f.themes
            ]
        )
        _refresh_counts(run)
        AnalysisRun.objects.filter(pk=run.pk).update(item_count=run.items.count())
    return len(rows)


# Analysts' changes


def _record(run: AnalysisRun, actor: User, action: str, summary: str, **detail: Any) -> None:
    from chorus.core.audit import audit_record
    from chorus.core.models import AuditAction

    ThemeChange.objects.create(run=run, actor=actor, action=action, summary=summary[:500], detail=detail)
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=run, detail={"theme_change": action, **detail})


def _check_unlocked(*themes: Theme) -> None:
    for theme in themes:
        if theme.locked:
            raise ValidationError(f"“{theme.label}” is locked. Unlock it first to change it.")


def theme_rename(*, theme: Theme, actor: User, label: str, description: str) -> Theme:
    label = label.strip()
    if not label:
        raise ValidationError("Enter a name for the theme.")
    with transaction.atomic():
        before = (theme.label, theme.description)
        theme.label, theme.description = label[:200], description.strip()
        theme.save(update_fields=["label", "description", "updated_at"])
        _record(
            theme.run,
            actor,
            ThemeChange.Action.RENAME,
            f"“{before[0]}” is now “{theme.label}”",
            theme=theme.pk,
            before=before[0],
            after=theme.label,
        )
    return theme


def theme_lock(*, theme: Theme, actor: User, locked: bool) -> Theme:
    with transaction.atomic():
        theme.locked = locked
        theme.locked_by = actor if locked else None
        theme.save(update_fields=["locked", "locked_by", "updated_at"])
        action = ThemeChange.Action.LOCK if locked else ThemeChange.Action.UNLOCK
        _record(
            theme.run, actor, action, f"“{theme.label}” {'locked' if locked else 'unlocked'}", theme=theme.pk
        )
    return theme


def _recentre(theme: Theme) -> None:
    found = [
        vector_of(v, np.float16)
        for v in Item.objects.filter(assignments__theme=theme).values_list("vector", flat=True)
    ]
    rows = [r for r in found if r is not None]
    if rows:
        mean = np.mean(rows, axis=0)
        theme.centroid = _to_bytes(mean / (np.linalg.norm(mean) or 1.0))
        theme.save(update_fields=["centroid", "updated_at"])


def theme_merge(*, themes: Sequence[Theme], into: Theme, actor: User) -> Theme:
    others = [t for t in themes if t.pk != into.pk]
    if not others:
        raise ValidationError("Choose at least one other theme to merge into this one.")
    if any(t.run_id != into.run_id or t.level != into.level for t in others):
        raise ValidationError("Themes can only be merged with themes of the same analysis and level.")
    _check_unlocked(into, *others)
    with transaction.atomic():
        moving = Assignment.objects.filter(theme__in=others)
        already = set(Assignment.objects.filter(theme=into).values_list("item_id", flat=True))
        Assignment.objects.bulk_create(
            [
                Assignment(item_id=a.item_id, theme=into, confidence=a.confidence, by_analyst=True)
                for a in moving
                if a.item_id not in already
            ],
            ignore_conflicts=True,
        )
        if into.level == Theme.Level.BROAD:
            Theme.objects.filter(parent__in=others).update(parent=into)
        labels = [t.label for t in others]
        Theme.objects.filter(pk__in=[t.pk for t in others]).delete()
        _recentre(into)
        _refresh_counts(into.run)
        _record(
            into.run,
            actor,
            ThemeChange.Action.MERGE,
            f"{', '.join(labels)} merged into “{into.label}”",
            theme=into.pk,
            merged=labels,
        )
    return into


def theme_split(*, theme: Theme, actor: User, parts: int = 2) -> list[Theme]:
    """Split a theme in two (or more) by clustering its responses; each part is labelled anew."""
    from chorus.analysis.engine import keyphrases
    from chorus.analysis.engine.themes import _kmeans

    _check_unlocked(theme)
    items = list(Item.objects.filter(assignments__theme=theme).only("pk", "text", "vector"))
    if len(items) < 2 * parts:
        raise ValidationError(f"“{theme.label}” has too few responses to split into {parts}.")
    vectors = np.stack([vector_of(i.vector, np.float16) for i in items])  # type: ignore[misc]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-9)
    labels, centroids = _kmeans(vectors, parts, 0)
    phrases = keyphrases.class_phrases([i.text for i in items], labels, parts)
    created = []
    with transaction.atomic():
        top = theme.run.themes.order_by("-key").values_list("key", flat=True).first() or 0
        for p in range(parts):
            part = Theme.objects.create(
                run=theme.run,
                key=top + p + 1,
                level=theme.level,
                parent=theme.parent,
                label=keyphrases.label_from(phrases[p])[:200],
                description=keyphrases.describe(phrases[p]),
                keyphrases=phrases[p],
                centroid=_to_bytes(centroids[p]),
            )
            members = [items[i].pk for i in np.where(labels == p)[0]]
            Assignment.objects.filter(theme=theme, item_id__in=members).update(theme=part, by_analyst=True)
            created.append(part)
        label = theme.label
        theme.delete()
        _refresh_counts(created[0].run)
        _record(
            created[0].run,
            actor,
            ThemeChange.Action.SPLIT,
            f"“{label}” split into {', '.join('“' + t.label + '”' for t in created)}",
            theme=label,
            parts=[t.pk for t in created],
        )
    return created


def theme_delete(*, theme: Theme, actor: User) -> None:
    """Delete a theme; its responses go to their next best theme, if they have one."""
    _check_unlocked(theme)
    if theme.children.exists():
        raise ValidationError(
            "This broad theme still holds fine themes: merge it into another broad theme instead."
        )
    with transaction.atomic():
        run = theme.run
        label = theme.label
        theme.delete()
        _refresh_counts(run)
        _record(run, actor, ThemeChange.Action.DELETE, f"“{label}” deleted", theme=label)


def theme_create(
    *,
    run: AnalysisRun,
    actor: User,
    label: str,
    description: str,
    item_ids: Sequence[int],
    parent: Theme | None = None,
    gather: bool = True,
) -> Theme:
    """A new theme from example responses; with ``gather``, responses nearer to it than to
    their current theme (and not placed by an analyst) move to it too."""
    label = label.strip()
    if not label:
        raise ValidationError("Enter a name for the new theme.")
    examples = list(run.items.filter(pk__in=item_ids))
    if not examples:
        raise ValidationError("Choose at least one response as an example of the new theme.")
    vectors = np.stack([vector_of(i.vector, np.float16) for i in examples])  # type: ignore[misc]
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    with transaction.atomic():
        top = run.themes.order_by("-key").values_list("key", flat=True).first() or 0
        theme = Theme.objects.create(
            run=run,
            key=top + 1,
            level=Theme.Level.FINE,
            parent=parent,
            label=label[:200],
            description=description.strip(),
            centroid=_to_bytes(centroid),
            keyphrases=[],
        )
        moved = {i.pk for i in examples}
        if gather:
            moved |= _gather(run, theme, centroid)
        Assignment.objects.filter(item_id__in=moved, theme__level=Theme.Level.FINE).exclude(
            theme__locked=True
        ).delete()
        Assignment.objects.bulk_create(
            [Assignment(item_id=pk, theme=theme, confidence=1.0, by_analyst=pk in item_ids) for pk in moved],
            ignore_conflicts=True,
        )
        _refresh_counts(run)
        _record(
            run,
            actor,
            ThemeChange.Action.CREATE,
            f"“{theme.label}” created from {len(examples)} examples",
            theme=theme.pk,
            examples=[i.pk for i in examples],
            gathered=len(moved),
        )
    return theme


def _gather(run: AnalysisRun, theme: Theme, centroid: np.ndarray) -> set[int]:
    current = {
        a.item_id: vector_of(a.theme.centroid)
        for a in Assignment.objects.filter(theme__run=run, theme__level=Theme.Level.FINE, by_analyst=False)
        .exclude(theme__locked=True)
        .select_related("theme")
    }
    moved: set[int] = set()
    for pk, data in run.items.filter(no_answer=False).values_list("pk", "vector").iterator(chunk_size=5000):
        vector = vector_of(data, np.float16)
        if vector is None:
            continue
        vector = vector / (np.linalg.norm(vector) or 1.0)
        mine = float(vector @ centroid)
        other = current.get(pk)
        theirs = float(vector @ other) if other is not None else -1.0
        if mine >= 0.6 and mine > theirs + 0.05:
            moved.add(pk)
    return moved


def items_move(
    *, run: AnalysisRun, actor: User, item_ids: Sequence[int], source: Theme | None, target: Theme
) -> int:
    """Move responses from ``source`` (or from no theme) to ``target``: an analyst's choice."""
    if target.run_id != run.pk or (source is not None and source.run_id != run.pk):
        raise ValidationError("Responses can only move between themes of the same analysis.")
    if not item_ids:
        raise ValidationError("Choose at least one response to move.")
    _check_unlocked(target, *([source] if source else []))
    with transaction.atomic():
        items = list(run.items.filter(pk__in=item_ids).values_list("pk", flat=True))
        if source is not None:
            Assignment.objects.filter(theme=source, item_id__in=items).delete()
        Assignment.objects.filter(theme=target, item_id__in=items).delete()
        Assignment.objects.bulk_create(
            [Assignment(item_id=pk, theme=target, confidence=1.0, by_analyst=True) for pk in items]
        )
        _refresh_counts(run)
        _record(
            run,
            actor,
            ThemeChange.Action.MOVE,
            f"{len(items)} responses moved {'from “' + source.label + '” ' if source else ''}"
            f"to “{target.label}”",
            items=items,
            target=target.pk,
        )
    return len(items)


def item_sentiment_set(*, item: Item, actor: User, sentiment: str) -> Item:
    if sentiment not in Item.Sentiment.values:
        raise ValidationError("Choose positive, neutral or negative.")
    with transaction.atomic():
        before = item.sentiment
        item.sentiment, item.sentiment_by_analyst = sentiment, True
        item.save(update_fields=["sentiment", "sentiment_by_analyst"])
        _refresh_counts(item.run)
        _record(
            item.run,
            actor,
            ThemeChange.Action.SENTIMENT,
            f"Sentiment of a response: {before} to {sentiment}",
            item=item.pk,
            before=before,
            after=sentiment,
        )
    return item


def responses_added(*, consultation_id: int, response_ids: Sequence[int]) -> None:
    """New consultation responses: their free-text answers go to the consultation's live analyses."""
    from chorus.consultations.models import Answer, Question

    ids = list(
        Answer.objects.filter(response_id__in=response_ids, question__kind=Question.Kind.TEXT).values_list(
            "pk", flat=True
        )
    )
    if ids:
        texts_added(source=Item.Source.ANSWER, ids=ids, subject="consultation", target_id=consultation_id)
