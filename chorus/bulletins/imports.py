"""Importing subscribers from a CSV or XLSX file, a small kind of the shared pipeline
(``chorus.core.imports.staged``): every row checked, the problems listed with a file of
rows to fix, then the valid rows written once, when a person confirms.

People are subscribed on the lawful basis, and from the source, that the person importing
records, as the sign-up sheet import always did. An address already subscribed (or
waiting to confirm) gains the row's areas, topics and lists; one that unsubscribed or
stopped working is skipped and left as it is: an import never subscribes anyone again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.bulletins.models import Subscriber, SubscriberImport, SubscriberList
from chorus.core.audit import audit_record_many
from chorus.core.imports import staged
from chorus.core.imports.columns import Field, fold
from chorus.core.imports.kinds import ImportKind, Matches
from chorus.core.imports.rows import CheckedRow, RowChecker
from chorus.core.models import AuditAction
from chorus.core.spreadsheets import SpreadsheetError
from chorus.directory.models import Consent, ContactPoint, Region, Topic

if TYPE_CHECKING:
    from chorus.accounts.models import User

ImportFileError = SpreadsheetError

# A list is read and checked while the person waits, so it is held under the import limits.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10000
FIELDS = {
    "email": Field(gettext_lazy("Email address"), ("email", "email address", "e-mail", "e-bost")),
    "language": Field(gettext_lazy("Language"), ("language", "iaith")),
    "regions": Field(gettext_lazy("Areas"), ("regions", "region", "areas", "area")),
    "topics": Field(gettext_lazy("Topics"), ("topics", "topic")),
    "lists": Field(gettext_lazy("Lists"), ("lists", "list")),
}
LANGUAGES = {"": "en", "en": "en", "english": "en", "saesneg": "en"} | {
    "cy": "cy",
    "welsh": "cy",
    "cymraeg": "cy",
}
# Addresses an import leaves alone: the person said stop, or the address does not work.
STOPPED = {Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED}


def _by_name(records: Iterable[tuple[Any, ...]]) -> dict[str, int]:
    """Folded name (in English or Welsh) -> primary key, from (pk, name, ...) rows."""
    return {fold(name): pk for pk, *names in records for name in names if name}


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.replace(";", "|").split("|") if part.strip()]


class SubscriberRowChecker(RowChecker):
    """An address, its language, and the areas, topics and lists it is for, by name."""

    def __init__(self, headers: list[str], mapping: dict[str, str]) -> None:
        super().__init__(headers, mapping)
        self.known = {
            "regions": _by_name(Region.objects.values_list("pk", "name_en", "name_cy")),
            "topics": _by_name(Topic.objects.values_list("pk", "name_en", "name_cy")),
            "lists": _by_name(SubscriberList.objects.values_list("pk", "name")),
        }
        self.unknown = {
            "regions": gettext_lazy("There is no area called “%(name)s”."),
            "topics": gettext_lazy("There is no topic called “%(name)s”."),
            "lists": gettext_lazy("There is no list called “%(name)s”."),
        }
        self.seen: dict[str, int] = {}  # email -> the first line with it

    def check_row(self, checked: CheckedRow) -> None:
        values, errors = checked.values, checked.errors
        email = values.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _("“%(value)s” is not an email address.") % {"value": email}
                if email
                else _("The row has no email address.")
            )
        else:
            if email in self.seen:
                errors.append(
                    _("The address is also on line %(line)s. Keep one row for each address.")
                    % {"line": self.seen[email]}
                )
            self.seen.setdefault(email, checked.line)
        language = LANGUAGES.get(fold(values.get("language", "")))
        if language is None:
            errors.append(_("Language “%(value)s” is not en or cy.") % {"value": values["language"]})
        checked.extra = {"email": email, "language": language or "en"}
        for name, known in self.known.items():
            names = _split(values.get(name, ""))
            errors.extend(str(self.unknown[name]) % {"name": n} for n in names if fold(n) not in known)
            checked.extra[name] = sorted({known[fold(n)] for n in names if fold(n) in known})


def match_subscribers(rows: list[CheckedRow]) -> Matches:
    """Rows whose address already subscribes (or did), with that subscriber's status."""
    lines = {row.extra["email"]: str(row.line) for row in rows}
    found = Subscriber.objects.filter(email__in=lines).values_list("email", "code", "status")
    return {
        lines[email]: {"subscriber": str(code), "status": status, "why": "same email"}
        for email, code, status in found
    }


SUBSCRIBERS = ImportKind(
    name="subscribers",
    fields=FIELDS,
    checker=SubscriberRowChecker,
    required=("email",),
    required_message=gettext_lazy("The file needs a column called email."),
    matcher=match_subscribers,
)


def subscriber_import_start(
    *, actor: User, upload: Any, lawful_basis: str, source_detail: str, into: SubscriberList | None
) -> SubscriberImport:
    """Read, check and match a file of subscribers. Raises ImportFileError saying what to fix."""
    headers, rows = staged.read_now(upload, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    mapping = SUBSCRIBERS.guess_mapping(headers)
    if "email" not in mapping:
        raise ImportFileError(str(SUBSCRIBERS.required_message))
    checked = staged.check_rows(SUBSCRIBERS.checker(headers, mapping), rows)
    matches = SUBSCRIBERS.matcher([c for c in checked if not c.errors])
    return SubscriberImport.objects.create(
        created_by=actor,
        original_name=upload.name[:255],
        headers=headers,
        lawful_basis=lawful_basis,
        source_detail=source_detail,
        into=into,
        rows=[
            {"line": c.line, "row": c.cells, "errors": c.errors, **c.extra, "match": matches.get(str(c.line))}
            for c in checked
        ],
    )


def skipped(row: dict[str, Any]) -> bool:
    """Whether a checked row's address unsubscribed or stopped working, so it is left alone."""
    return bool(row["match"]) and row["match"]["status"] in STOPPED


def _interests_add(subscribers: list[Subscriber], rows: dict[str, dict[str, Any]], into: int | None) -> None:
    """Add each row's areas, topics and lists (and the job's list) to its subscriber."""
    for name in ("regions", "topics", "lists"):
        field = Subscriber._meta.get_field(name)
        through = getattr(Subscriber, name).through
        other = f"{field.m2m_reverse_field_name()}_id"  # type: ignore[union-attr]
        through.objects.bulk_create(
            [
                through(subscriber_id=s.pk, **{other: pk})
                for s in subscribers
                for pk in {*rows[s.email][name], *([into] if name == "lists" and into else [])}
            ],
            ignore_conflicts=True,
        )


def subscriber_import_confirm(
    *, actor: User, request: HttpRequest | None, job: SubscriberImport
) -> SubscriberImport:
    """Write the valid rows, once: a second confirmation finds the job done and changes nothing.

    Who is already there is looked up again here, not taken from the check, so someone
    who unsubscribed since is still left alone."""

    def write(job: SubscriberImport) -> list[str]:
        rows = {r["email"]: r for r in job.rows if not r["errors"]}
        existing = {s.email: s for s in Subscriber.objects.filter(email__in=rows)}
        people = dict(
            ContactPoint.objects.filter(
                kind=ContactPoint.Kind.EMAIL, normalised__in=[e for e in rows if e not in existing]
            ).values_list("normalised", "person_id")
        )
        now = timezone.now()
        added = Subscriber.objects.bulk_create(
            Subscriber(
                email=email,
                language=row["language"],
                status=Subscriber.Status.ACTIVE,
                source=Subscriber.Source.IMPORT,
                source_detail=job.source_detail,
                lawful_basis=job.lawful_basis,
                consented_at=now,
                person_id=people.get(email),
            )
            for email, row in rows.items()
            if email not in existing
        )
        updated = [s for s in existing.values() if s.status not in STOPPED]
        _interests_add(added + updated, rows, job.into_id)
        source = f"{Subscriber.Source.IMPORT.label}: {job.source_detail}"
        Consent.objects.bulk_create(
            Consent(
                person_id=s.person_id,
                purpose=_("Email bulletins"),
                lawful_basis=job.lawful_basis,
                given_on=timezone.localdate(),
                source=source[:200],
            )
            for s in added
            if s.person_id
        )
        audit_record_many(
            actor=actor,
            request=request,
            records=[*((AuditAction.CREATE, s) for s in added), *((AuditAction.CHANGE, s) for s in updated)],
            detail={
                "import": job.original_name,
                "lawful_basis": job.lawful_basis,
                "source": job.source_detail,
            },
        )
        job.added_count, job.updated_count = len(added), len(updated)
        job.skipped_count = len(existing) - len(updated)
        return ["added_count", "updated_count", "skipped_count"]

    return staged.confirm_once(job, write)


def rows_to_fix(job: SubscriberImport) -> Iterator[list[str]]:
    """The rows with problems, as they were, with what to fix in a last column."""
    problems = ((r["line"], r["row"], r["errors"]) for r in job.rows if r["errors"])
    return staged.rows_to_fix(job.headers, problems)
