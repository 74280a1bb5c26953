"""What a court asks of a consultation (the Gunning principles) and the Cabinet Office
Consultation Principles add, as checks on what the record shows.

The checks that need only the consultation itself live here, so the publishing page and
the change form can warn before it opens or closes; the consultation record
(``chorus.insights.consultation_record``) adds the analysis and the published response.
They warn and never block: ``publishing.py`` decides what a draft must have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from chorus.consultations.models import Consultation, HelpRequest, SupportingDocument
from chorus.core.dates import long_date

MET = "met"
MISSING = "missing"
WARNING = "warning"

FORMATIVE = gettext_lazy("Proposals at a formative stage")
INFORMATION = gettext_lazy("Enough reasons and information")
TIME = gettext_lazy("Adequate time to respond")
ACCESSIBLE = gettext_lazy("Accessible to everyone it affects")
CONSIDERATION = gettext_lazy("Conscientious consideration")

# Help requests still waiting for someone to meet them.
UNANSWERED = (HelpRequest.Status.NEW, HelpRequest.Status.IN_PROGRESS)


@dataclass(frozen=True)
class Check:
    """One thing the record should show: which principle it serves, what it is, whether the
    record shows it (``MET``), lacks it (``MISSING``) or shows a risk (``WARNING``), and why."""

    principle: Promise
    name: str
    status: str
    shows: str

    @property
    def met(self) -> bool:
        return self.status == MET


@dataclass(frozen=True)
class Length:
    """How long a consultation is open, against the organisation's standard."""

    days: int
    standard_weeks: int
    meets: bool

    @property
    def weeks(self) -> int:
        return self.days // 7

    @property
    def extra_days(self) -> int:
        return self.days % 7

    def __str__(self) -> str:
        weeks = ngettext("%(count)s week", "%(count)s weeks", self.weeks) % {"count": self.weeks}
        days = ngettext("%(count)s day", "%(count)s days", self.extra_days) % {"count": self.extra_days}
        if not self.weeks:
            return days
        if not self.extra_days:
            return weeks
        return _("%(weeks)s and %(days)s") % {"weeks": weeks, "days": days}


def standard_weeks() -> int:
    return int(getattr(settings, "CHORUS_CONSULTATION_STANDARD_WEEKS", 12))


def open_length(consultation: Consultation, closes_at: datetime | None = None) -> Length:
    """How long it is (or would be, closing at ``closes_at``) open, in whole days."""
    open_for = (closes_at or consultation.closes_at) - consultation.opens_at
    weeks = standard_weeks()
    return Length(days=open_for.days, standard_weeks=weeks, meets=open_for >= timedelta(weeks=weeks))


def _standard(weeks: int) -> str:
    return ngettext("the standard %(count)s week", "the standard %(count)s weeks", weeks) % {"count": weeks}


def length_check(consultation: Consultation) -> Check:
    """Open at least the standard time, or a reason recorded for less
    (``Consultation.shorter_reason``): short with a reason is a warning, without one missing."""
    length = open_length(consultation)
    name = _("Open at least %(standard)s, or a reason recorded") % {
        "standard": _standard(length.standard_weeks)
    }
    if length.meets:
        shows = _("Open for %(length)s, which meets %(standard)s.") % {
            "length": length,
            "standard": _standard(length.standard_weeks),
        }
        return Check(TIME, name, MET, shows)
    if consultation.shorter_reason.strip():
        shows = _("Open for %(length)s, shorter than %(standard)s. The reason recorded: %(reason)s") % {
            "length": length,
            "standard": _standard(length.standard_weeks),
            "reason": consultation.shorter_reason.strip(),
        }
        return Check(TIME, name, WARNING, shows)
    shows = _("Open for %(length)s, shorter than %(standard)s. No reason recorded.") % {
        "length": length,
        "standard": _standard(length.standard_weeks),
    }
    return Check(TIME, name, MISSING, shows)


def documents_check(consultation: Consultation, documents: Sequence[SupportingDocument]) -> Check:
    name = _("Documents published before opening")
    if not documents:
        return Check(INFORMATION, name, MISSING, _("No supporting documents have been added."))
    early = [d for d in documents if d.created_at <= consultation.opens_at]
    if len(early) == len(documents):
        shows = ngettext(
            "%(count)s document, added before it opened.",
            "%(count)s documents, all added before it opened.",
            len(documents),
        ) % {"count": len(documents)}
        return Check(INFORMATION, name, MET, shows)
    late = len(documents) - len(early)
    shows = ngettext(
        "%(count)s document was added after it opened.",
        "%(count)s documents were added after it opened.",
        late,
    ) % {"count": late}
    return Check(INFORMATION, name, WARNING, shows)


def welsh_check(
    consultation: Consultation, documents: Sequence[SupportingDocument], needs_welsh: bool
) -> Check:
    """A Welsh version where its audience includes Wales: its texts, and its documents."""
    name = _("Welsh version where the audience includes Wales")
    if not needs_welsh:
        return Check(ACCESSIBLE, name, MET, _("Its audience does not include Wales."))
    lacking = []
    if not consultation.title_cy or not consultation.summary_cy:
        lacking.append(_("Its title and summary are not in Welsh."))
    if documents and not any(d.title_cy for d in documents):
        lacking.append(_("None of its documents has a Welsh version."))
    if lacking:
        return Check(ACCESSIBLE, name, MISSING, " ".join(lacking))
    return Check(ACCESSIBLE, name, MET, _("It is in Welsh as well as English."))


def help_check(total: int, unanswered: int) -> Check:
    name = _("Every help request answered")
    if not total:
        return Check(ACCESSIBLE, name, MET, _("Nobody asked for help to respond."))
    if not unanswered:
        shows = ngettext(
            "%(count)s request for help, answered.",
            "%(count)s requests for help, all answered.",
            total,
        ) % {"count": total}
        return Check(ACCESSIBLE, name, MET, shows)
    shows = ngettext(
        "%(count)s request for help is still waiting.",
        "%(count)s requests for help are still waiting.",
        unanswered,
    ) % {"count": unanswered}
    return Check(ACCESSIBLE, name, MISSING, shows)


def contact_check(consultation: Consultation) -> Check:
    """People can ask for another format or for help only if they know how."""
    name = _("A way to ask for other formats or help")
    if consultation.contact_email or consultation.contact_phone:
        return Check(ACCESSIBLE, name, MET, _("It gives contact details for questions and other formats."))
    return Check(ACCESSIBLE, name, MISSING, _("It gives no email address or phone number."))


def warnings_before_opening(consultation: Consultation) -> list[Check]:
    """The checks, not met, that can still be put right before it opens (contact details
    are left to the publishing checklist, which already requires them)."""
    documents = list(consultation.documents.current())
    checks = [
        documents_check(consultation, documents),
        length_check(consultation),
        welsh_check(consultation, documents, consultation.needs_welsh()),
    ]
    return [check for check in checks if not check.met]


def warnings_before_closing(consultation: Consultation, now: datetime | None = None) -> list[str]:
    """What staff should know before they close it (or close it early, by moving its
    closing date): requests for help still waiting, and the earliest it can close and
    still meet the standard length."""
    now = now or timezone.now()
    warnings = []
    waiting = consultation.help_requests.filter(status__in=UNANSWERED).count()
    if waiting:
        warnings.append(
            ngettext(
                "%(count)s request for help is still waiting: answer it before it closes.",
                "%(count)s requests for help are still waiting: answer them before it closes.",
                waiting,
            )
            % {"count": waiting}
        )
    weeks = standard_weeks()
    earliest = consultation.opens_at + timedelta(weeks=weeks)
    if now < earliest and not consultation.shorter_reason.strip():
        warnings.append(
            _("Closing it before %(date)s would make it shorter than %(standard)s, with no reason recorded.")
            % {"date": long_date(earliest), "standard": _standard(weeks)}
        )
    elif now < earliest:
        warnings.append(
            _(
                "Closing it before %(date)s would make it shorter than %(standard)s: the reason you "
                "recorded goes in its record."
            )
            % {"date": long_date(earliest), "standard": _standard(weeks)}
        )
    return warnings
