"""Which directory person each consultation response came from (``Response.person``).

A response is from the person in the directory who holds the email address it came from,
compared without regard to case (as checkpoints and equity of reach have always counted
respondents). Where two live records hold the same address (a pair waiting for the
duplicate review) the older one is taken, so that a response counts one person; records
merged away or erased hold none.

The link is kept, not worked out when read: matching every response's address to the
directory's was most of the time of the board pack on PostgreSQL (issue #24). It is set

- when a response is stored (the public journey, staff entry, imports, demo data);
- again for every address the directory gains or loses (``core.hooks.person_emails_changed``:
  a person added, edited or imported) and for the responses of an erased person
  (``core.hooks.person_erased``: their addresses went with them);
- and it moves with the person's other links when records are merged (and back on undo).

The retention job clears it with the address when it anonymises old responses.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Lower

from chorus.consultations.models import Response
from chorus.directory.models import ContactPoint

# Addresses relinked per UPDATE: well under any database's limit on parameters.
CHUNK = 500


def _holders(address: Lower) -> QuerySet[ContactPoint]:
    """The live people holding ``address``, oldest first. Lower-cased by the database, as the
    directory's addresses were always compared with responses'."""
    return ContactPoint.objects.filter(
        kind=ContactPoint.Kind.EMAIL,
        normalised=address,
        person__merged_into__isnull=True,
        person__erased_at__isnull=True,
    ).order_by("person_id")


def _holder() -> Subquery:
    """The oldest live person holding the outer response's address."""
    return Subquery(_holders(Lower(OuterRef("email"))).values("person_id")[:1])


def person_for(email: str) -> int | None:
    """The id of the person a new response from ``email`` is from, for storing it with."""
    if not email:
        return None
    return _holders(Lower(Value(email))).values_list("person_id", flat=True).first()


def responses_link(responses: QuerySet[Response]) -> int:
    """Set the person of each of ``responses`` from the directory as it is now (none where
    no one holds the address). Returns how many responses were looked at."""
    return responses.order_by().update(person=_holder())


def responses_relink(addresses: Iterable[str]) -> int:
    """Link again the responses from any of ``addresses`` (normalised), whose holder may
    have changed. Found through the responses' index of their lower-cased addresses."""
    wanted = sorted({address for address in addresses if address})
    done = 0
    for first in range(0, len(wanted), CHUNK):
        chunk = wanted[first : first + CHUNK]
        done += responses_link(Response.objects.alias(address=Lower("email")).filter(address__in=chunk))
    return done


def person_erased_unlink(person_id: int) -> None:
    """Core's ``person_erased`` hook: the erased person's addresses are gone, so their
    responses are from no one now (or from whoever else holds the address)."""
    responses_link(Response.objects.filter(person_id=person_id))


def emails_changed_relink(addresses: frozenset[str]) -> None:
    """Core's ``person_emails_changed`` hook."""
    responses_relink(addresses)
