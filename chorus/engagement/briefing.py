"""Adjustments before and on the day of an activity: who is expected, which of their needs
the venue and booked support do not meet yet, and the briefing sheet for the room."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from chorus.core.dates import date_and_time
from chorus.core.pdf import FONT, fonts_add
from chorus.directory.adjustments import BriefingRow, UnmetNeed, unmet_adjustments
from chorus.directory.models import Person
from chorus.directory.selectors import people_for
from chorus.engagement.models import Activity, Attendance

if TYPE_CHECKING:
    from chorus.accounts.models import User


def people_expected(activity: Activity, user: User) -> QuerySet[Person]:
    """The people ``user`` may see who are on the activity's list and have not declined."""
    expected = Attendance.objects.filter(activity=activity).exclude(invitation=Attendance.Invitation.DECLINED)
    return people_for(user).filter(pk__in=expected.values("person_id"))


def unmet_for_activity(
    activity: Activity, user: User, booked_support: Collection[str] | None = None
) -> list[UnmetNeed]:
    """What the expected people need that the activity's place and ``booked_support`` (by
    default, the support booked for the activity) do not meet. An activity with a joining
    link and no place is online: needs of the room do not apply."""
    return unmet_adjustments(
        people_expected(activity, user),
        activity.place,
        activity.booked_support if booked_support is None else booked_support,
        online_only=activity.place_id is None and bool(activity.online_link),
    )


def briefing_pdf_bytes(activity: Activity, rows: Sequence[BriefingRow]) -> bytes:
    """The briefing sheet: the activity, then each person who agreed with what they need."""
    pdf = FPDF(format="A4")
    title = _("Briefing: adjustments for %(title)s") % {"title": activity.title}
    pdf.set_title(title)
    pdf.set_author(settings.CHORUS_ORGANISATION_NAME or settings.CHORUS_SERVICE_NAME)
    pdf.set_lang("cy" if _("Name") != "Name" else "en")
    fonts_add(pdf)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    where = activity.place.name if activity.place else _("Online")
    pdf.multi_cell(
        0,
        6,
        _(
            "%(when)s, %(where)s. Printed %(now)s. Only people who agreed to share their needs "
            "with the event team are listed. Keep this sheet safe and destroy it after the event."
        )
        % {
            "when": date_and_time(activity.starts_at),
            "where": where,
            "now": date_and_time(timezone.localtime()),
        },
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    if not rows:
        pdf.multi_cell(0, 6, _("No one expected has shared adjustments with the event team."))
        return bytes(pdf.output())
    data = [[_("Name"), _("What they need")]]
    for row in rows:
        needs = "\n".join(f"{n.label}: {n.details}" if n.details else n.label for n in row.needs)
        data.append([row.name, needs])
    with pdf.table(
        data,
        col_widths=(60, 120),
        headings_style=FontFace(emphasis="BOLD", fill_color=(243, 242, 241)),
        line_height=5.5,
        padding=1.2,
        width=180,
    ):
        pass
    return bytes(pdf.output())
