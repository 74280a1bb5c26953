"""Carrying what a registrant asked for to take part to their adjustments record in the
directory, once they are matched to a person.

A registration adds to the record; it never takes away needs the person already had
(recorded by staff, by them through their link, or at another registration). Who may see
the needs is what they chose at this registration for the choices it asks (the event team,
the venue); what they agreed for other services stays as it was.
"""

from __future__ import annotations

from chorus.directory.adjustments import SHARING, Category, Source, adjustments_save, record_of
from chorus.directory.models import AdjustmentsRecord
from chorus.events.models import Registration

# What the audit log names the registrant as: no staff member recorded these needs.
REGISTRANT_ACTOR = "The person, when registering for an event"
# The sharing choices the registration form asks about.
ASKED = ("event_team", "venue")
# The details of "something else" chosen without saying what (the form asks for it; older
# registrations may lack it), so the need is kept rather than refused.
OTHER_UNSAID = "Not described when registering"


def _merged(current: dict[str, str], categories: list[str], text: str) -> dict[str, str]:
    """``current`` needs with the registration's added. Their own words go with "something
    else" when they chose it or chose nothing, otherwise with the first need they chose;
    details already recorded are kept, and new words are added after them."""
    needs = dict(current)
    chosen = [c for c in Category.values if c in categories]
    for category in chosen:
        needs.setdefault(category, "")
    text = text.strip()
    if text:
        home = Category.OTHER if Category.OTHER in chosen or not chosen else chosen[0]
        before = needs.get(home, "").strip()
        needs[home] = text if not before or text in before else f"{before}\n{text}"
    if Category.OTHER in needs and not needs[Category.OTHER].strip():
        needs[Category.OTHER] = OTHER_UNSAID
    return needs


def registration_adjustments_carry(*, registration: Registration) -> AdjustmentsRecord | None:
    """Add ``registration``'s needs to its person's adjustments record (once matched). None
    when there is no person yet or nothing was asked for."""
    person = registration.person
    if person is None or not (registration.adjustment_categories or registration.adjustments.strip()):
        return None
    record = record_of(person)
    current = {n.category: n.details for n in record.needs.all()} if record else {}
    shared = {key for key, name in SHARING.items() if record and getattr(record, name)}
    share_with = (shared - set(ASKED)) | (set(registration.adjustments_share) & set(ASKED))
    return adjustments_save(
        person=person,
        needs=_merged(current, list(registration.adjustment_categories), registration.adjustments),
        share_with=share_with,
        review_on=record.review_on if record else None,
        via=Source.REGISTRATION,
        actor=None,
        actor_label=REGISTRANT_ACTOR,
    )
