"""Texts that arrive after an analysis finished: each live analysis of their subject
takes them in, assigned to its current themes; and texts taken back (an erased person's
evaluation comments), which leave every analysis."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q

from chorus.analysis.models import AnalysisRun, Assignment, Item
from chorus.analysis.services.models_cache import analysis_for, embedder_for_run
from chorus.analysis.services.stored import counts_refresh, item_build, known_names
from chorus.analysis.sources import case_messages, event_comments, texts_for
from chorus.cases.models import Case
from chorus.core.tasks import background, enqueue_after_commit
from chorus.events.models import Evaluation


def texts_added(*, source: str, ids: Iterable[int], subject: str, target_id: int) -> None:
    """Called by the apps that receive responses: queue assigning them to live analyses."""
    enqueue_after_commit(assign_new_items, source=source, ids=list(ids), subject=subject, target_id=target_id)


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
    if subject == "activity":  # an event's evaluation comments, as events sends them
        return list(done.filter(subject=AnalysisRun.Subject.EVENT, activity_id=target_id))
    raise ValueError(f"Unknown subject {subject!r}")


@background(queue="analysis")
def assign_new_items(*, source: str, ids: list[int], subject: str, target_id: int) -> int:
    """Assign newly arrived responses to the themes of each finished analysis of their subject."""
    added = 0
    for run in _live_runs(subject, target_id):
        added += items_assign(run=run, ids={source: ids})
    return added


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
    analysis = analysis_for(run, embedder)
    analysis.names = pii.NameList(known_names())
    vectors = embedder.encode([t.text for t in texts])
    found = analysis.assign_vectors([t.text for t in texts], vectors, [t.stance or None for t in texts])
    with transaction.atomic():
        rows = Item.objects.bulk_create(
            [
                item_build(run=run, text=t, found=f, vector=vectors[i])
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
        counts_refresh(run)
        AnalysisRun.objects.filter(pk=run.pk).update(item_count=run.items.count())
    return len(rows)


def erased_comments_drop(person_id: int | None = None) -> int:
    """Take out of every analysis the event evaluation comments that events no longer
    holds, and the cases' messages that cases no longer holds: an erased person's
    (``person_id``, from core's ``person_erased`` hook, whether events and cases have
    blanked them yet or not) and any blanked since they were analysed (a case past its
    retention period). Returns how many items went."""
    comments = Item.objects.filter(source=Item.Source.EVALUATION)
    messages = Item.objects.filter(source=Item.Source.CASE)
    gone = comments.exclude(source_id__in=event_comments().values("pk")) | messages.exclude(
        source_id__in=case_messages().values("pk")
    )
    if person_id is not None:
        gone = (
            gone
            | comments.filter(source_id__in=Evaluation.objects.filter(person_id=person_id).values("pk"))
            | messages.filter(source_id__in=Case.objects.filter(person_id=person_id).values("pk"))
        )
    ids = list(gone.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        runs = list(AnalysisRun.objects.filter(pk__in=Item.objects.filter(pk__in=ids).values("run_id")))
        Item.objects.filter(pk__in=ids).delete()
        for run in runs:
            counts_refresh(run)
            AnalysisRun.objects.filter(pk=run.pk).update(item_count=run.items.count())
    return len(ids)
