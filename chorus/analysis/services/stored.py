"""What the engine is given and what it found, as stored: vectors as bytes, one ``Item``
per text, and the counts on the themes that the assignments imply."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np

from chorus.analysis.models import AnalysisRun, Assignment, Item, Theme

if TYPE_CHECKING:
    from chorus.analysis.engine import pipeline
    from chorus.analysis.sources import Text


def to_bytes(vector: np.ndarray | None, dtype: Any = np.float32) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=dtype).tobytes()


def vector_of(data: bytes | memoryview | None, dtype: Any = np.float32) -> np.ndarray | None:
    if data is None:
        return None
    return np.frombuffer(bytes(data), dtype=dtype).astype(np.float32)


def known_names() -> list[str]:
    """The people in the directory, whose names the engine redacts from responses."""
    from chorus.directory.models import Person

    rows = Person.objects.exclude(first_name="").values_list("first_name", "last_name")
    return [f"{first} {last}" for first, last in rows.iterator(chunk_size=5000)]


def item_build(
    *, run: AnalysisRun, text: Text, found: pipeline.Item, vector: np.ndarray, campaign_size: int = 1
) -> Item:
    """An unsaved ``Item``: the text as received and what the engine found in it."""
    return Item(
        run=run,
        source=text.source,
        source_id=text.source_id,
        text=text.text,
        redacted=found.redacted,
        personal_data=found.personal_data,
        sentiment=found.sentiment,
        sentiment_score=round(found.sentiment_score, 4),
        stance=text.stance,
        campaign=found.campaign,
        campaign_size=campaign_size,
        no_answer=found.no_answer,
        channel=text.channel,
        respondent_type=text.respondent_type,
        region=text.region,
        groups="|" + "|".join(text.groups) + "|" if text.groups else "",
        organisation_kind=text.organisation_kind,
        received_at=text.received_at,
        vector=to_bytes(vector, np.float16),
    )


def counts_refresh(run: AnalysisRun) -> None:
    """Sizes, campaign-once counts, shares and sentiment mixes, from the assignments."""
    items = Item.objects.filter(run=run)
    weights: dict[int, float] = {}
    for pk, size in items.values_list("pk", "campaign_size").iterator(chunk_size=5000):
        weights[pk] = 1.0 / max(1, size)
    total = sum(weights.values()) or 1.0
    members: dict[int, set[int]] = defaultdict(set)
    for theme_id, parent_id, item_id in (
        Assignment.objects.filter(theme__run=run)
        .values_list("theme_id", "theme__parent_id", "item_id")
        .iterator(chunk_size=5000)
    ):
        members[theme_id].add(item_id)
        if parent_id:
            members[parent_id].add(item_id)
    sentiment_of = dict(items.values_list("pk", "sentiment").iterator(chunk_size=5000))
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
