"""How a case's due date reads to staff: in working days, as the service level counts them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def due_label(days_left: int | None) -> str:
    """ "Due in 3 working days", "Due today", "Overdue by 2 working days"; "" for a closed case."""
    if days_left is None:
        return ""
    if days_left == 0:
        return _("Due today")
    if days_left > 0:
        return ngettext("Due in %(days)d working day", "Due in %(days)d working days", days_left) % {
            "days": days_left
        }
    late = -days_left
    return ngettext("Overdue by %(days)d working day", "Overdue by %(days)d working days", late) % {
        "days": late
    }
