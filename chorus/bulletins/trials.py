"""Results of a randomised trial: each version's rate with a 95% confidence interval, and
whether the versions differ by more than chance would explain, said in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from chorus.bulletins.models import Bulletin, Delivery
from chorus.core.stats import wilson


@dataclass
class ArmResult:
    name: str
    sent: int
    successes: int
    rate: float
    low: float
    high: float


@dataclass
class TrialResult:
    arms: list[ArmResult]
    p_value: float | None
    significant: bool
    summary: str


def chi_square_p(table: list[tuple[int, int]]) -> float | None:
    """p-value of the chi-square test of independence for versions by (success, not)."""
    from scipy.stats import chi2_contingency

    rows = [(s, f) for s, f in table if s + f > 0]
    if len(rows) < 2 or sum(s for s, _ in rows) == 0 or sum(f for _, f in rows) == 0:
        return None
    return float(chi2_contingency(rows, correction=len(rows) == 2)[1])


def _success(bulletin: Bulletin) -> Q:
    if bulletin.outcome == Bulletin.Outcome.OPEN:
        return Q(opened_at__isnull=False)
    if bulletin.outcome == Bulletin.Outcome.RESPONSE:
        return Q(acted_at__isnull=False)
    return Q(clicked_at__isnull=False)


def responses_match(bulletin: Bulletin) -> None:
    """For a trial measured by responses: mark deliveries whose recipient responded after it was sent."""
    from chorus.consultations.models import Response

    if bulletin.outcome != Bulletin.Outcome.RESPONSE or bulletin.outcome_consultation_id is None:
        return
    responded = dict(
        Response.objects.filter(consultation_id=bulletin.outcome_consultation_id)
        .exclude(email="")
        .values_list("email", "created_at")
    )
    responded = {email.lower(): at for email, at in responded.items()}
    for delivery in Delivery.objects.filter(
        bulletin=bulletin, status=Delivery.Status.SENT, acted_at__isnull=True
    ).select_related("subscriber"):
        at = responded.get(delivery.subscriber.email)
        if at and delivery.sent_at and at >= delivery.sent_at:
            Delivery.objects.filter(pk=delivery.pk).update(acted_at=at)


def result(bulletin: Bulletin) -> TrialResult:
    responses_match(bulletin)
    success = _success(bulletin)
    arms: list[ArmResult] = []
    for arm in bulletin.arms.all():
        sent = Delivery.objects.filter(bulletin=bulletin, arm=arm, status=Delivery.Status.SENT)
        n = sent.count()
        k = sent.filter(success).count()
        low, high = wilson(k, n)
        arms.append(ArmResult(arm.name, n, k, k / n if n else 0.0, low, high))
    p = chi_square_p([(a.successes, a.sent - a.successes) for a in arms])
    significant = p is not None and p < 0.05
    ranked = sorted(arms, key=lambda a: -a.rate)
    if p is None or len(ranked) < 2:
        summary = _("There is not enough data yet to compare the versions.")
    elif significant:
        summary = _(
            "Version %(best)s did best (%(rate).1f%%). The difference between the versions is "
            "statistically significant (p = %(p).3f): it is unlikely to be chance."
        ) % {"best": ranked[0].name, "rate": 100 * ranked[0].rate, "p": p}
    else:
        summary = _(
            "Version %(best)s did best (%(rate).1f%%), but the difference between the versions is "
            "not statistically significant (p = %(p).3f): it could be chance. Treat the versions as "
            "equally good, or run a larger trial."
        ) % {"best": ranked[0].name, "rate": 100 * ranked[0].rate, "p": p}
    return TrialResult(arms=arms, p_value=p, significant=significant, summary=summary)
