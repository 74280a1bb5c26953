"""Analysts' changes to a finished analysis: renaming, locking, merging, splitting,
creating and deleting themes, moving responses and correcting sentiment. Each is recorded
in ``ThemeChange`` with who made it, and in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chorus.analysis.models import AnalysisRun, Assignment, Item, Theme, ThemeChange
from chorus.analysis.services.review import framework_check_open
from chorus.analysis.services.stored import counts_refresh, to_bytes, vector_of
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction

if TYPE_CHECKING:
    from chorus.accounts.models import User


def _record(run: AnalysisRun, actor: User, action: str, summary: str, **detail: Any) -> None:
    ThemeChange.objects.create(run=run, actor=actor, action=action, summary=summary[:500], detail=detail)
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=run, detail={"theme_change": action, **detail})


def _check_unlocked(*themes: Theme) -> None:
    for theme in themes:
        if theme.locked:
            raise ValidationError(
                _("“%(theme)s” is locked. Unlock it first to change it.") % {"theme": theme.label}
            )


def theme_rename(*, theme: Theme, actor: User, label: str, description: str) -> Theme:
    framework_check_open(theme.run)
    label = label.strip()
    if not label:
        raise ValidationError(_("Enter a name for the theme."))
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
    framework_check_open(theme.run)
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
        theme.centroid = to_bytes(mean / (np.linalg.norm(mean) or 1.0))
        theme.save(update_fields=["centroid", "updated_at"])


def theme_merge(*, themes: Sequence[Theme], into: Theme, actor: User) -> Theme:
    framework_check_open(into.run)
    others = [t for t in themes if t.pk != into.pk]
    if not others:
        raise ValidationError(_("Choose at least one other theme to merge into this one."))
    if any(t.run_id != into.run_id or t.level != into.level for t in others):
        raise ValidationError(_("Themes can only be merged with themes of the same analysis and level."))
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
        # What changed because of a merged theme answers the theme it is now part of.
        into.impact.add(*{record for t in others for record in t.impact.all()})
        labels = [t.label for t in others]
        keys = [t.key for t in others]
        Theme.objects.filter(pk__in=[t.pk for t in others]).delete()
        _recentre(into)
        counts_refresh(into.run)
        _record(
            into.run,
            actor,
            ThemeChange.Action.MERGE,
            f"{', '.join(labels)} merged into “{into.label}”",
            theme=into.pk,
            merged=labels,
            merged_keys=keys,  # so that a page of a merged theme can say where it went
        )
    return into


def theme_split(*, theme: Theme, actor: User, parts: int = 2) -> list[Theme]:
    """Split a theme in two (or more) by clustering its responses; each part is labelled anew."""
    from chorus.analysis.engine import keyphrases
    from chorus.analysis.engine import labels as theme_labels
    from chorus.analysis.engine.themes import kmeans

    framework_check_open(theme.run)
    _check_unlocked(theme)
    items = list(Item.objects.filter(assignments__theme=theme).only("pk", "text", "vector"))
    if len(items) < 2 * parts:
        raise ValidationError(
            _("“%(theme)s” has too few responses to split into %(parts)d.")
            % {"theme": theme.label, "parts": parts}
        )
    vectors = np.stack([vector_of(i.vector, np.float16) for i in items])  # type: ignore[misc]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-9)
    labels, centroids = kmeans(vectors, parts, 0)
    texts = [i.text for i in items]
    phrases = keyphrases.class_phrases(texts, labels, parts)
    members = [np.where(labels == p)[0].tolist() for p in range(parts)]
    named = theme_labels.theme_labels(texts, members, centroids, vectors, None, keyphrases=phrases)
    created = []
    with transaction.atomic():
        top = theme.run.themes.order_by("-key").values_list("key", flat=True).first() or 0
        for p in range(parts):
            part = Theme.objects.create(
                run=theme.run,
                key=top + p + 1,
                level=theme.level,
                parent=theme.parent,
                label=named[p].label[:200],
                description=theme_labels.describe(named[p].label, named[p].phrases),
                keyphrases=phrases[p],
                centroid=to_bytes(centroids[p]),
            )
            moved = [items[i].pk for i in members[p]]
            Assignment.objects.filter(theme=theme, item_id__in=moved).update(theme=part, by_analyst=True)
            created.append(part)
        # What changed because of the theme answers each of its parts, until an analyst says otherwise.
        answered = list(theme.impact.all())
        for part in created:
            part.impact.add(*answered)
        label = theme.label
        theme.delete()
        counts_refresh(created[0].run)
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
    framework_check_open(theme.run)
    _check_unlocked(theme)
    if theme.children.exists():
        raise ValidationError(
            _("This broad theme still holds fine themes: merge it into another broad theme instead.")
        )
    with transaction.atomic():
        run = theme.run
        label, key = theme.label, theme.key
        theme.delete()
        counts_refresh(run)
        _record(run, actor, ThemeChange.Action.DELETE, f"“{label}” deleted", theme=label, key=key)


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
    framework_check_open(run)
    label = label.strip()
    if not label:
        raise ValidationError(_("Enter a name for the new theme."))
    examples = list(run.items.filter(pk__in=item_ids))
    if not examples:
        raise ValidationError(_("Choose at least one response as an example of the new theme."))
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
            centroid=to_bytes(centroid),
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
        counts_refresh(run)
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
    framework_check_open(run)
    if target.run_id != run.pk or (source is not None and source.run_id != run.pk):
        raise ValidationError(_("Responses can only move between themes of the same analysis."))
    if not item_ids:
        raise ValidationError(_("Choose at least one response to move."))
    _check_unlocked(target, *([source] if source else []))
    with transaction.atomic():
        items = list(run.items.filter(pk__in=item_ids).values_list("pk", flat=True))
        if source is not None:
            Assignment.objects.filter(theme=source, item_id__in=items).delete()
        Assignment.objects.filter(theme=target, item_id__in=items).delete()
        Assignment.objects.bulk_create(
            [Assignment(item_id=pk, theme=target, confidence=1.0, by_analyst=True) for pk in items]
        )
        counts_refresh(run)
        _record(
            run,
            actor,
            ThemeChange.Action.MOVE,
            f"{len(items)} {'response' if len(items) == 1 else 'responses'} moved "
            f"{'from “' + source.label + '” ' if source else ''}"
            f"to “{target.label}”",
            items=items,
            target=target.pk,
        )
    return len(items)


def item_sentiment_set(*, item: Item, actor: User, sentiment: str) -> Item:
    if sentiment not in Item.Sentiment.values:
        raise ValidationError(_("Choose positive, neutral or negative."))
    with transaction.atomic():
        before = item.sentiment
        item.sentiment, item.sentiment_by_analyst = sentiment, True
        item.save(update_fields=["sentiment", "sentiment_by_analyst"])
        counts_refresh(item.run)
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
