"""The evidence behind a theme: quotes that stand for it and differ from each other, and who
its responses came from (respondent type, organisations, region, channel) with their stance.

Quotes are always the redacted text. Counts below the disclosure threshold
(``chorus.core.disclosure``) are never shown: a breakdown row says "fewer than N" instead,
and a row hidden only so that a small one cannot be worked out from the total says so.
Counts are of the theme's responses (items), as the theme's own size is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Case, Count, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.analysis.engine.campaigns import normalise
from chorus.analysis.models import Item, Theme
from chorus.analysis.services.stored import vector_of
from chorus.consultations.models import Answer, Response
from chorus.core.disclosure import suppress, threshold

# How much closeness to the theme's centre weighs against difference from the quotes already
# chosen (maximal marginal relevance): 1 picks the closest texts, however alike.
CLOSENESS_WEIGHT = 0.5
# A broad theme can hold most of a million responses; quotes are chosen from this many.
QUOTE_POOL = 2000
# Organisations named in a theme's evidence, the most responses first.
ORGANISATIONS_NAMED = 5
NOT_KNOWN = gettext_lazy("Not known")


@dataclass(frozen=True)
class Row:
    label: str
    count: int | None  # None when suppressed
    fewer: bool = False  # suppressed because it is under the threshold (else to protect another)
    share: float | None = None  # of the table's total, when the count is shown


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: list[Row]
    total: int | None  # None when the whole table is suppressed


@dataclass
class Evidence:
    theme: Theme
    quotes: list[str]
    below: int  # the disclosure threshold, for "fewer than N"
    breakdowns: list[Breakdown] = field(default_factory=list)
    organisations: Row | None = None  # how many organisations responded as themselves
    organisations_named: list[str] = field(default_factory=list)
    stance: Breakdown | None = None

    @property
    def tables(self) -> list[Breakdown]:
        """The breakdowns, the stance last."""
        return [*self.breakdowns, *([self.stance] if self.stance else [])]


def quotes_pick(
    vectors: np.ndarray,
    centre: np.ndarray,
    *,
    first: Sequence[int] = (),
    n: int = 3,
    weight: float = CLOSENESS_WEIGHT,
) -> list[int]:
    """Rows of ``vectors`` (unit rows) close to ``centre`` and far from each other: those in
    ``first`` (the engine's most representative) lead, then maximal marginal relevance."""
    if len(vectors) == 0 or n <= 0:
        return []
    closeness = vectors @ centre
    chosen = [r for r in dict.fromkeys(first) if 0 <= r < len(vectors)][:1]
    if not chosen:
        chosen = [int(np.argmax(closeness))]
    likeness = vectors @ vectors[chosen].T  # each row against every chosen one
    nearest = likeness.max(axis=1)
    while len(chosen) < min(n, len(vectors)):
        score = weight * closeness - (1 - weight) * nearest
        score[chosen] = -np.inf
        row = int(np.argmax(score))
        chosen.append(row)
        nearest = np.maximum(nearest, vectors @ vectors[row])
    return chosen


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def theme_items(theme: Theme) -> QuerySet[Item]:
    """The theme's responses: those assigned to it or to one of its sub-themes."""
    return theme.run.items.filter(assignments__theme__in=[theme, *theme.children.all()]).distinct()


def theme_quotes(theme: Theme, items: QuerySet[Item], *, n: int = 3) -> list[str]:
    """Up to ``n`` different redacted texts of at least three words that stand for the theme."""
    pool = list(
        items.filter(no_answer=False, vector__isnull=False)
        .order_by("pk")
        .values_list("pk", "redacted", "vector")[:QUOTE_POOL]
    )
    engine = [q for q in theme.quotes if isinstance(q, int)]
    missing = set(engine) - {pk for pk, _text, _vector in pool}
    if missing:
        pool += list(
            items.filter(pk__in=missing, vector__isnull=False).values_list("pk", "redacted", "vector")
        )
    seen: set[str] = set()
    rows: list[tuple[int, str, np.ndarray]] = []
    for pk, text, data in pool:
        norm = normalise(text)
        vector = vector_of(data, np.float16)
        if norm in seen or len(norm.split()) < 3 or vector is None:
            continue
        seen.add(norm)
        rows.append((pk, text, vector))
    if not rows:  # no vectors kept (an older run): the engine's choice as it stands
        texts = dict(items.filter(pk__in=engine).values_list("pk", "redacted"))
        return [texts[q] for q in engine if q in texts][:n]
    vectors = _unit(np.stack([r[2] for r in rows]))
    centre = vector_of(theme.centroid) if theme.centroid is not None else None
    if centre is None or centre.shape[0] != vectors.shape[1]:
        centre = vectors.mean(axis=0)
    centre = _unit(centre)
    at = {pk: i for i, (pk, _text, _vector) in enumerate(rows)}
    first = [at[q] for q in engine if q in at]
    return [rows[i][1] for i in quotes_pick(vectors, centre, first=first, n=n)]


def _breakdown(title: str, counts: dict[str, int], below: int) -> Breakdown:
    cells, total = suppress(counts, below=below)
    rows = [
        Row(
            label=cell.key,
            count=cell.count,
            fewer=cell.count is None and counts[cell.key] < below,
            share=cell.count / total if cell.count is not None and total else None,
        )
        for cell in cells
    ]
    return Breakdown(title, rows, total)


def _counted(rows: QuerySet[Item], key: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for value, n in rows.values_list(key).annotate(n=Count("pk", distinct=True)).values_list(key, "n"):
        found[value or ""] = found.get(value or "", 0) + n
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def _labelled(counts: dict[str, int], labels: Mapping[str, object]) -> dict[str, int]:
    out: dict[str, int] = {}
    for value, n in counts.items():
        # A value with no label of its own is an English name kept on the item ("Exit survey").
        label = str(labels[value]) if value in labels else (_(value) if value else str(NOT_KNOWN))
        label = label or str(NOT_KNOWN)
        out[label] = out.get(label, 0) + n
    return out


def theme_evidence(theme: Theme, *, quotes: int = 3) -> Evidence:
    """The evidence for ``theme``: its quotes, breakdowns and stance, small counts suppressed."""
    below = threshold()
    items = theme_items(theme)
    answers = items.filter(source=Item.Source.ANSWER)

    def of_response(field: str) -> Case:
        return Case(
            When(
                source=Item.Source.ANSWER,
                then=Subquery(
                    Answer.objects.filter(pk=OuterRef("source_id")).values(f"response__{field}")[:1]
                ),
            ),
            default=Value(""),
        )

    # What the respondent said about themselves is on the consultation response; items of
    # feedback and social media have no response, and their channel is kept on the item.
    items = items.annotate(
        response_type=of_response("respondent_type"),
        response_channel=Coalesce(NullIf(of_response("channel"), Value("")), F("channel")),
    )
    evidence = Evidence(theme=theme, quotes=theme_quotes(theme, theme_items(theme), n=quotes), below=below)
    types = _counted(items, "response_type")
    if answers.exists():
        evidence.breakdowns.append(
            _breakdown(_("Respondent type"), _labelled(types, dict(Response.RespondentType.choices)), below)
        )
    channels = _counted(items, "response_channel")
    evidence.breakdowns.append(
        _breakdown(_("Channel"), _labelled(channels, dict(Response.Channel.choices)), below)
    )
    regions = _counted(items, "region")
    if set(regions) - {""}:  # feedback and social media posts have no region to break down
        evidence.breakdowns.append(_breakdown(_("Region"), _labelled(regions, {}), below))
    if answers.exists():
        named = (
            Response.objects.filter(
                pk__in=Answer.objects.filter(pk__in=answers.values("source_id")).values("response"),
                respondent_type=Response.RespondentType.ORGANISATION,
            )
            .exclude(organisation="")
            .values_list("organisation")
            .annotate(n=Count("pk"))
            .order_by("-n", "organisation")
        )
        names = [name for name, _n in named]
        distinct = {name.strip().casefold() for name in names}
        cells, _total = suppress({"organisations": len(distinct)}, below=below)
        evidence.organisations = Row(_("Organisations"), cells[0].count, fewer=cells[0].count is None)
        evidence.organisations_named = names[:ORGANISATIONS_NAMED]
    evidence.stance = _stance(theme, items, below)
    return evidence


def _stance(theme: Theme, items: QuerySet[Item], below: int) -> Breakdown:
    """The stance the question asked for, where it asked; else the responses' tone, named as
    tone: tone is not stance ("Yes, ban them. My son started gambling after seeing these
    ads" agrees in an angry voice; on the gambling consultation's labelled positions most
    responses that agree are negative in tone, benchmarks/stance.py)."""
    stances = _counted(items.exclude(stance=""), "stance")
    if stances:
        return _breakdown(_("Stance"), stances, below)
    sentiments = _counted(items.exclude(sentiment=""), "sentiment")
    labels = dict(Item.Sentiment.choices)
    ordered = {str(labels[s]): sentiments.get(s, 0) for s in Item.Sentiment.values}
    return _breakdown(_("Tone of the responses"), ordered, below)
