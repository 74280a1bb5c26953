"""Reviewing a run's themes as a coding framework, and checking its coding (#23).

A run's themes go from found, through review (analysts use the theme tools), to signed
off by a lead; once signed off the theme tools are closed until a lead reopens the
framework with a reason, and every response can be coded to it by a new run.

Quality assurance: a random sample of a run's responses is coded again, blind, by a
second analyst; Cohen's kappa per theme says how far the two codings agree, and each
disagreement is resolved by accepting one of them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.analysis.models import (
    AnalysisRun,
    Assignment,
    Item,
    QualitySample,
    ReviewEvent,
    ReviewStage,
    SampleEntry,
    Theme,
    ThemeChange,
)
from chorus.analysis.services.stored import counts_refresh
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.roles import Role

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from chorus.accounts.models import User

# Signing off is a lead's judgement on the whole framework: analysts and administrators.
# Engagement officers may use the theme tools, but not sign the framework off; viewers
# never change anything.
SIGN_OFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.ANALYST})
DEFAULT_SAMPLE = 50
FEWEST_TO_JUDGE = 5  # a theme with fewer in either coding is too rare to judge agreement on
MOST_EXAMPLES = 5  # example responses per theme in a framework built from a run


def can_sign_off(user: User, run: AnalysisRun) -> bool:
    """Whether ``user`` may sign off (and reopen) ``run``'s framework; the caller has
    already checked that they may see the run."""
    return user.is_active and user.role in SIGN_OFF_ROLES


def framework_check_open(run: AnalysisRun) -> None:
    """Refuse a change to the themes of a run whose framework is signed off."""
    stage = AnalysisRun.objects.filter(pk=run.pk).values_list("review_stage", flat=True).first()
    if stage == ReviewStage.SIGNED_OFF:
        raise ValidationError(
            _(
                "The themes were signed off as the framework, so they cannot be changed. "
                "A lead can reopen the framework from the review page."
            )
        )


def _event(run: AnalysisRun, actor: User, action: str, reason: str = "", **detail: Any) -> None:
    ReviewEvent.objects.create(run=run, actor=actor, action=action, reason=reason)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=run,
        detail={"review": action, **({"reason": reason} if reason else {}), **detail},
    )


def _locked_run(run: AnalysisRun) -> AnalysisRun:
    locked = AnalysisRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != AnalysisRun.Status.DONE:
        raise ValidationError(_("The analysis has not finished yet."))
    return locked


def review_start(*, run: AnalysisRun, actor: User) -> AnalysisRun:
    """Mark the themes as in review: analysts are working through them."""
    with transaction.atomic():
        run = _locked_run(run)
        if run.review_stage != ReviewStage.FOUND:
            raise ValidationError(_("The review of these themes has already started."))
        run.review_stage = ReviewStage.IN_REVIEW
        run.save(update_fields=["review_stage", "updated_at"])
        _event(run, actor, ReviewEvent.Action.STARTED)
    return run


def framework_problems(run: AnalysisRun) -> list[str]:
    """What stops the run's themes being signed off as a framework, in words."""
    themes = list(run.themes.filter(level=Theme.Level.FINE).order_by("label"))
    problems: list[str] = []
    if len(themes) < 2:
        problems.append(_("A framework needs at least two themes: create or split themes first."))
    seen: dict[str, str] = {}
    for theme in themes:
        name = theme.label.strip().lower()
        if name in seen:
            problems.append(
                _("Two themes are called “%(name)s”: rename or merge one of them.") % {"name": theme.label}
            )
        seen.setdefault(name, theme.label)
    return problems


def framework_sign_off(*, run: AnalysisRun, actor: User) -> AnalysisRun:
    """Sign the run's themes off as the framework: who and when are kept and shown."""
    if not can_sign_off(actor, run):
        raise ValidationError(_("Only an analyst or an administrator can sign off a framework."))
    with transaction.atomic():
        run = _locked_run(run)
        if run.review_stage == ReviewStage.SIGNED_OFF:
            raise ValidationError(_("The framework is already signed off."))
        problems = framework_problems(run)
        if problems:
            raise ValidationError(problems)
        run.review_stage = ReviewStage.SIGNED_OFF
        run.signed_off_by, run.signed_off_at = actor, timezone.now()
        run.save(update_fields=["review_stage", "signed_off_by", "signed_off_at", "updated_at"])
        _event(
            run,
            actor,
            ReviewEvent.Action.SIGNED_OFF,
            themes=list(run.themes.filter(level=Theme.Level.FINE).values_list("label", flat=True)),
        )
    return run


def framework_reopen(*, run: AnalysisRun, actor: User, reason: str) -> AnalysisRun:
    """Reopen a signed-off framework for changes; the reason is kept with who and when."""
    if not can_sign_off(actor, run):
        raise ValidationError(_("Only an analyst or an administrator can reopen a framework."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Enter why the framework needs to change."))
    with transaction.atomic():
        run = _locked_run(run)
        if run.review_stage != ReviewStage.SIGNED_OFF:
            raise ValidationError(_("The framework is not signed off, so there is nothing to reopen."))
        run.review_stage = ReviewStage.IN_REVIEW
        run.signed_off_by, run.signed_off_at = None, None
        run.save(update_fields=["review_stage", "signed_off_by", "signed_off_at", "updated_at"])
        _event(run, actor, ReviewEvent.Action.REOPENED, reason=reason)
    return run


def framework_of(run: AnalysisRun) -> list[dict[str, Any]]:
    """The run's fine themes as a coding framework: name, description and a few example
    responses (redacted), the analysts' own choices first."""
    framework = []
    for theme in run.themes.filter(level=Theme.Level.FINE).order_by("-size", "label"):
        quoted = list(
            Item.objects.filter(pk__in=theme.quotes[:MOST_EXAMPLES]).values_list("redacted", flat=True)
        )
        placed = (
            Assignment.objects.filter(theme=theme, item__no_answer=False)
            .order_by("-by_analyst", "-confidence", "item_id")
            .values_list("item__redacted", flat=True)[: MOST_EXAMPLES * 2]
        )
        examples: list[str] = []
        for text in [*quoted, *placed]:
            if text.strip() and text not in examples and len(examples) < MOST_EXAMPLES:
                examples.append(text)
        framework.append({"name": theme.label, "description": theme.description, "examples": examples})
    return framework


def framework_code(*, run: AnalysisRun, actor: User) -> AnalysisRun:
    """Start a run that codes every response of the same subject to the signed-off themes."""
    from chorus.analysis.engine.framework import FrameworkError
    from chorus.analysis.services.runs import run_create

    if not run.is_signed_off:
        raise ValidationError(_("Sign off the framework before coding every response to it."))
    if run.coded_runs.filter(status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING]).exists():
        raise ValidationError(_("Every response is already being coded to this framework."))
    target = {
        AnalysisRun.Subject.QUESTION: run.question,
        AnalysisRun.Subject.CONSULTATION: run.consultation,
        AnalysisRun.Subject.SERVICE: run.service,
        AnalysisRun.Subject.SOCIAL: run.social_source,
        AnalysisRun.Subject.EVENT: run.activity,
    }.get(AnalysisRun.Subject(run.subject))
    if target is None:
        raise ValidationError(_("The responses this analysis read are no longer there to code."))
    with transaction.atomic():
        try:
            coded = run_create(
                actor=actor, subject=run.subject, target=target, mode=run.mode, framework=framework_of(run)
            )
        except FrameworkError as error:
            raise ValidationError(str(error)) from None
        coded.coded_from = run
        coded.title = _("%(title)s (coded to the signed-off framework)") % {"title": run.title}
        coded.title = coded.title[:300]
        coded.save(update_fields=["coded_from", "title", "updated_at"])
        _event(run, actor, ReviewEvent.Action.CODED, run_code=str(coded.code))
    return coded


# Quality assurance


def sample_most(run: AnalysisRun) -> int:
    """The most responses a sample of ``run`` can hold: those that say something."""
    return run.items.filter(no_answer=False).count()


def _coding(item_ids: Iterable[int], run: AnalysisRun) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {pk: [] for pk in item_ids}
    for item_id, theme_id in Assignment.objects.filter(
        item_id__in=list(found), theme__run=run, theme__level=Theme.Level.FINE
    ).values_list("item_id", "theme_id"):
        found[item_id].append(theme_id)
    return {pk: sorted(themes) for pk, themes in found.items()}


def sample_draw(
    *, run: AnalysisRun, actor: User, size: int = DEFAULT_SAMPLE, seed: int | None = None
) -> QualitySample:
    """Draw ``size`` responses at random for a second analyst to code, keeping how the run
    coded each one now (the first coding)."""
    if run.status != AnalysisRun.Status.DONE:
        raise ValidationError(_("The analysis has not finished yet."))
    pool = list(run.items.filter(no_answer=False).values_list("pk", flat=True))
    if not pool:
        raise ValidationError(_("This analysis has no responses to sample."))
    if size < 1 or size > len(pool):
        raise ValidationError(
            _("Enter a sample size between 1 and %(most)s, the number of responses there are.")
            % {"most": len(pool)}
        )
    chosen = random.Random(seed).sample(pool, size)  # noqa: S311 - a sample, not a secret
    first = _coding(chosen, run)
    with transaction.atomic():
        sample = QualitySample(run=run, drawn_by=actor, size=size)
        sample.full_clean()
        sample.save()
        SampleEntry.objects.bulk_create(
            [
                SampleEntry(sample=sample, item_id=pk, position=n, first=first[pk])
                for n, pk in enumerate(chosen, start=1)
            ]
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            detail={"quality_sample": str(sample.code), "size": size},
        )
    return sample


def second_coder_refusal(sample: QualitySample, user: User) -> str:
    """Why ``user`` may not do the sample's second coding, or "" if they may."""
    if sample.drawn_by_id == user.pk:
        return _(
            "You drew this sample, so the run's coding counts as yours. "
            "Another analyst must do the second coding."
        )
    if sample.second_coder_id not in (None, user.pk):
        return _("Someone else is doing the second coding of this sample.")
    return ""


def sample_code(*, entry: SampleEntry, actor: User, theme_ids: Sequence[int]) -> SampleEntry:
    """Keep the second analyst's coding of one response; the first to code claims the sample."""
    with transaction.atomic():
        sample = QualitySample.objects.select_for_update().get(pk=entry.sample_id)
        refusal = second_coder_refusal(sample, actor)
        if refusal:
            raise ValidationError(refusal)
        allowed = set(sample.run.themes.filter(level=Theme.Level.FINE).values_list("pk", flat=True))
        if any(pk not in allowed for pk in theme_ids):
            raise ValidationError(_("Choose themes from this analysis."))
        if sample.second_coder_id is None:
            sample.second_coder = actor
            sample.save(update_fields=["second_coder", "updated_at"])
        entry.second, entry.coded_at = sorted(set(theme_ids)), timezone.now()
        entry.save(update_fields=["second", "coded_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=sample.run,
            detail={"quality_sample": str(sample.code), "item": entry.item_id, "second_coding": "saved"},
        )
        if not sample.entries.filter(second__isnull=True).exists() and sample.finished_at is None:
            sample.finished_at = timezone.now()
            sample.save(update_fields=["finished_at", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=sample.run,
                detail={"quality_sample": str(sample.code), "second_coding": "finished"},
            )
    return entry


def cohen_kappa(first: Sequence[bool], second: Sequence[bool]) -> float | None:
    """Cohen's kappa for two yes/no codings of the same responses: how far they agree
    beyond the agreement chance alone would give. None where chance already agrees on
    everything (both coders said the same one thing to every response)."""
    if len(first) != len(second):
        raise ValueError("The two codings must cover the same responses.")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    yes_first, yes_second = sum(first) / n, sum(second) / n
    expected = yes_first * yes_second + (1 - yes_first) * (1 - yes_second)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


# Landis and Koch (1977), in their words.
BANDS: list[tuple[float, _StrPromise]] = [
    (0.0, gettext_lazy("Poor agreement: worse than chance")),
    (0.2, gettext_lazy("Slight agreement")),
    (0.4, gettext_lazy("Fair agreement")),
    (0.6, gettext_lazy("Moderate agreement")),
    (0.8, gettext_lazy("Substantial agreement")),
    (1.0, gettext_lazy("Almost perfect agreement")),
]


def kappa_reading(kappa: float) -> str:
    """Landis and Koch's band for a kappa: below 0 poor, up to 0.2 slight, 0.4 fair,
    0.6 moderate, 0.8 substantial, and above almost perfect. Read as shown, to two places,
    so a kappa of 0.6000000000000001 reads "moderate" like the 0.60 on the page."""
    kappa = round(kappa, 2)
    if kappa < 0:
        return str(BANDS[0][1])
    for top, words in BANDS[1:]:
        if kappa <= top:
            return str(words)
    return str(BANDS[-1][1])


@dataclass
class ThemeAgreement:
    theme: Theme
    first: int  # responses the first coding put in the theme
    second: int
    kappa: float | None
    too_few: bool

    @property
    def reading(self) -> str:
        return "" if self.kappa is None else kappa_reading(self.kappa)


@dataclass
class Agreement:
    responses: int
    themes: list[ThemeAgreement]
    exact: float  # share of responses coded exactly alike
    mean_kappa: float | None
    disagreements: list[SampleEntry] = field(default_factory=list)

    @property
    def reading(self) -> str:
        return "" if self.mean_kappa is None else kappa_reading(self.mean_kappa)


def sample_agreement(sample: QualitySample) -> Agreement:
    """Agreement between the run's coding and the second analyst's, per theme and overall."""
    entries = list(sample.entries.filter(second__isnull=False).select_related("item", "resolved_by"))
    themes = list(sample.run.themes.filter(level=Theme.Level.FINE).order_by("label"))
    rows = []
    for theme in themes:
        first = [theme.pk in e.first for e in entries]
        second = [theme.pk in (e.second or []) for e in entries]
        too_few = min(sum(first), sum(second)) < FEWEST_TO_JUDGE
        kappa = None if too_few else cohen_kappa(first, second)
        rows.append(ThemeAgreement(theme, sum(first), sum(second), kappa, too_few or kappa is None))
    judged = [r.kappa for r in rows if r.kappa is not None]
    known = {t.pk for t in themes}
    differing = [
        e for e in entries if {t for t in e.first if t in known} != {t for t in e.second or [] if t in known}
    ]
    return Agreement(
        responses=len(entries),
        themes=rows,
        exact=(len(entries) - len(differing)) / len(entries) if entries else 0.0,
        mean_kappa=sum(judged) / len(judged) if judged else None,
        disagreements=differing,
    )


def disagreement_resolve(*, entry: SampleEntry, actor: User, accept: str) -> SampleEntry:
    """Settle a disagreement by accepting one coding: the response moves to that coding's
    themes, recorded as a move like the move tool's.

    Locks and sign-off guard a theme's definition and the engine's re-coding; settling how
    one sampled response is coded is an analyst's decision about that response, so it is
    allowed on a signed-off framework, as the coding after sign-off is what QA checks.
    """
    if accept not in SampleEntry.Resolution.values:
        raise ValidationError(_("Choose which coding to accept."))
    if entry.second is None:
        raise ValidationError(_("The second analyst has not coded this response yet."))
    run = entry.sample.run
    chosen = entry.first if accept == SampleEntry.Resolution.FIRST else entry.second
    with transaction.atomic():
        themes = {t.pk: t for t in run.themes.filter(level=Theme.Level.FINE, pk__in=chosen)}
        current = Assignment.objects.filter(item=entry.item, theme__level=Theme.Level.FINE)
        before = sorted(current.values_list("theme__label", flat=True))
        current.exclude(theme_id__in=list(themes)).delete()
        Assignment.objects.bulk_create(
            [Assignment(item=entry.item, theme=t, confidence=1.0, by_analyst=True) for t in themes.values()],
            ignore_conflicts=True,
        )
        Assignment.objects.filter(item=entry.item, theme__in=list(themes.values())).update(
            by_analyst=True, confidence=1.0
        )
        counts_refresh(run)
        entry.resolution, entry.resolved_by, entry.resolved_at = accept, actor, timezone.now()
        entry.save(update_fields=["resolution", "resolved_by", "resolved_at"])
        after = sorted(t.label for t in themes.values())
        which = "first" if accept == SampleEntry.Resolution.FIRST else "second"
        ThemeChange.objects.create(
            run=run,
            actor=actor,
            action=ThemeChange.Action.MOVE,
            summary=(
                f"1 response moved to {', '.join('“' + a + '”' for a in after) or 'no theme'}: "
                f"quality check, {which} coding accepted"
            )[:500],
            detail={"items": [entry.item_id], "before": before, "after": after, "accepted": which},
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=run,
            detail={
                "theme_change": ThemeChange.Action.MOVE,
                "quality_sample": str(entry.sample.code),
                "item": entry.item_id,
                "accepted": which,
            },
        )
    return entry
