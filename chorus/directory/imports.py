"""Importing people from CSV or XLSX: read, map columns, check every row, then import.

Nothing is written to the directory until a person has seen the check and chosen
what happens: import the valid rows (the rest can be downloaded to fix) or nothing.
Rows matching someone already in the directory (same external id, same email, or a
probable match by the linkage model) update that person instead of creating a
duplicate, so importing the same file twice adds no one. The import runs in atomic
batches and records its progress, so a crash leaves whole batches and a rerun
carries on where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.core.bulk import db_value, insert_rows
from chorus.core.models import AuditAction, AuditEntry
from chorus.core.spreadsheets import Limits, SpreadsheetError, check, read_table
from chorus.core.tasks import background, enqueue_after_commit
from chorus.directory.models import (
    Consent,
    ContactPoint,
    ImportJob,
    Membership,
    Organisation,
    Person,
    Region,
)
from chorus.directory.normalise import (
    fold,
    is_postcode,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    split_full_name,
)
from chorus.directory.reference import regions_ensure
from chorus.directory.search import person_index

logger = logging.getLogger(__name__)

BATCH = 1000
# Files whose content is up to this size (a CSV's bytes, what a workbook unpacks to) are
# read while the person waits; bigger ones by a task, after only the cheap checks.
READ_NOW_BYTES = 1024 * 1024
# Files up to this many rows are checked while the person waits; bigger ones by a task.
CHECK_NOW_ROWS = 2000

# Chorus field -> (label, header names that usually mean it)
FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "external_id": (
        gettext_lazy("External id"),
        ("id", "external id", "reference", "ref", "contact id", "record id"),
    ),
    "full_name": (gettext_lazy("Full name"), ("name", "full name", "contact name", "attendee")),
    "first_name": (
        gettext_lazy("First name"),
        ("first name", "firstname", "forename", "given name", "first"),
    ),
    "last_name": (gettext_lazy("Last name"), ("last name", "lastname", "surname", "family name", "last")),
    "title": (gettext_lazy("Title"), ("title", "salutation", "prefix")),
    "email": (gettext_lazy("Email"), ("email", "e-mail", "email address", "e-mail address")),
    "phone": (gettext_lazy("Phone"), ("phone", "telephone", "mobile", "phone number", "tel")),
    "organisation": (
        gettext_lazy("Organisation"),
        ("organisation", "organization", "company", "employer", "org"),
    ),
    "job_title": (gettext_lazy("Job title"), ("job title", "position", "role", "job")),
    "postcode": (gettext_lazy("Postcode"), ("postcode", "post code", "postal code", "zip")),
    "region": (gettext_lazy("Region"), ("region", "area", "nation")),
    "preferred_language": (gettext_lazy("Preferred language"), ("language", "preferred language", "iaith")),
    "communication_needs": (
        gettext_lazy("Communication needs"),
        ("communication needs", "access needs", "needs"),
    ),
    "other_names": (gettext_lazy("Other names"), ("other names", "alias", "also known as", "previous name")),
}
LANGUAGES = {
    "en": "en",
    "english": "en",
    "saesneg": "en",
    "cy": "cy",
    "welsh": "cy",
    "cymraeg": "cy",
    "": "en",
}


# Whatever is wrong with a file is a SpreadsheetError; the directory's name for it stays.
ImportFileError = SpreadsheetError


def _limits() -> Limits:
    return Limits.from_settings()


def fields_for(kind: str) -> dict[str, tuple[Any, tuple[str, ...]]]:
    if kind == ImportJob.Kind.ORGANISATIONS:
        from chorus.directory import import_organisations

        return import_organisations.FIELDS
    return FIELDS


def guess_mapping(headers: list[str], kind: str = "people") -> dict[str, str]:
    """Chorus field -> file column, from the column names."""
    mapping: dict[str, str] = {}
    folded = {fold(h).replace("_", " ").strip(): h for h in headers if h}
    for name, (_label, synonyms) in fields_for(kind).items():
        for synonym in synonyms:
            if synonym in folded and folded[synonym] not in mapping.values():
                mapping[name] = folded[synonym]
                break
    if "first_name" in mapping and "last_name" in mapping:
        mapping.pop("full_name", None)
    return mapping


@dataclass
class CheckedRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


class RowChecker:
    """Validates rows against the mapping, with the lookups they need loaded once."""

    def __init__(self, headers: list[str], mapping: dict[str, str]) -> None:
        regions_ensure()
        self.index = {name: headers.index(column) for name, column in mapping.items() if column in headers}
        self.regions: dict[str, Region] = {}
        for region in Region.objects.all():
            for key in (region.name_en, region.name_cy, region.ons_code):
                self.regions[fold(key)] = region

    def check(self, line: int, row: list[str]) -> CheckedRow:
        values = {name: (row[i] if i < len(row) else "").strip() for name, i in self.index.items()}
        checked = CheckedRow(line=line, values=values)
        if values.get("full_name") and not values.get("last_name"):
            first, last = split_full_name(values["full_name"])
            values.setdefault("first_name", first)
            values["first_name"] = values.get("first_name") or first
            values["last_name"] = last
        if not values.get("last_name"):
            checked.errors.append(_("The last name is missing. Add it, or a full name column."))
        if len(values.get("last_name", "")) > 100 or len(values.get("first_name", "")) > 100:
            checked.errors.append(
                _("A name is longer than 100 characters. Check the columns are matched correctly.")
            )
        if email := values.get("email"):
            try:
                validate_email(email)
            except ValidationError:
                checked.errors.append(_("“%(value)s” is not an email address.") % {"value": email})
        if phone := values.get("phone"):
            digits = normalise_phone(phone).lstrip("+")
            if not digits.isdigit() or not 7 <= len(digits) <= 15:
                checked.errors.append(_("“%(value)s” is not a phone number.") % {"value": phone})
        if (postcode := values.get("postcode")) and not is_postcode(postcode):
            checked.errors.append(_("“%(value)s” is not a UK postcode.") % {"value": postcode})
        if (region := values.get("region")) and fold(region) not in self.regions:
            checked.errors.append(
                _(
                    "“%(value)s” is not a region Chorus knows. "
                    "Use a UK nation or English region, like Wales or London."
                )
                % {"value": region}
            )
        if fold(values.get("preferred_language", "")) not in LANGUAGES:
            checked.errors.append(
                _("“%(value)s” is not a language Chorus offers. Use English or Welsh.")
                % {"value": values["preferred_language"]}
            )
        return checked


def _checker(job: ImportJob) -> Any:
    if job.kind == ImportJob.Kind.ORGANISATIONS:
        from chorus.directory.import_organisations import OrganisationRowChecker

        return OrganisationRowChecker(job.headers, job.mapping)
    return RowChecker(job.headers, job.mapping)


def import_start(*, actor: Any, upload: Any, team: Any = None, kind: str = "people") -> ImportJob:
    """Store an uploaded file after the cheap checks, and read it now if it is small; a bigger
    file is read by ``import_read_task``. Raises ImportFileError, leaving nothing behind."""
    checked = check(upload, upload.name, limits=_limits())
    job = ImportJob(original_name=upload.name[:255], created_by=actor, team=team, kind=kind)
    job.file.save(upload.name, upload, save=False)
    if checked.content_bytes > READ_NOW_BYTES:
        job.save()
        enqueue_after_commit(import_read_task, job.pk)
        return job
    try:
        import_read(job)
    except ImportFileError:
        job.file.delete(save=False)
        raise
    except Exception:
        job.file.delete(save=False)
        logger.exception("An uploaded import file could not be read")
        raise ImportFileError(
            _("Chorus could not read the file. Save it again as CSV UTF-8 and upload that.")
        ) from None
    job.save()
    return job


def import_read(job: ImportJob) -> ImportJob:
    """Read the header, guess the columns and count the rows, within the import limits.
    Sets the job's fields without saving it."""
    with job.file.open("rb") as handle:
        table = read_table(handle, job.original_name, limits=_limits())
        if not any(h for h in table.headers):
            raise ImportFileError(_("The header row is empty. Put the column names in the first row."))
        total = sum(1 for _row in table.rows)
    if total == 0:
        raise ImportFileError(_("The file has a header row but no rows under it."))
    job.headers = table.headers
    job.mapping = guess_mapping(table.headers, job.kind)
    job.total_rows = total
    return job


def _refuse(job_id: int, message: str, *, remove_file: bool = True) -> None:
    """Mark the job failed, saying why, and remove its file: a refused file leaves nothing."""
    job = ImportJob.objects.get(pk=job_id)
    if job.file and remove_file:
        job.file.delete(save=False)
    job.status = ImportJob.Status.FAILED
    job.failure = message[:2000]
    job.save(update_fields=["file", "status", "failure", "updated_at"])


# For a failure that is not the file's fault; the details go to the log, not the page.
UNEXPECTED = gettext_lazy(
    "Chorus could not finish. Try again, and if it happens again tell your Chorus administrator."
)


@background(queue="default")
def import_read_task(job_id: int) -> int:
    job = ImportJob.objects.get(pk=job_id)
    try:
        import_read(job)
    except ImportFileError as error:
        _refuse(job_id, error.message)
        return 0
    except Exception:
        _refuse(job_id, str(UNEXPECTED))
        raise
    job.save(update_fields=["headers", "mapping", "total_rows", "updated_at"])
    return job.total_rows


def _rows(job: ImportJob) -> Iterator[tuple[int, list[str]]]:
    with job.file.open("rb") as handle:
        yield from read_table(handle, job.original_name, limits=_limits()).rows


def import_check(job: ImportJob) -> ImportJob:
    """Check every row and find who each row probably is already. Writes only to the job."""
    checker = _checker(job)
    problems: list[dict[str, Any]] = []
    valid: list[CheckedRow] = []
    for line, row in _rows(job):
        checked = checker.check(line, row)
        if checked.errors:
            problems.append({"line": line, "errors": checked.errors})
        else:
            valid.append(checked)
    job.problems = problems
    job.valid_rows = len(valid)
    if job.kind == ImportJob.Kind.ORGANISATIONS:
        from chorus.directory.import_organisations import find_matches

        job.matches = find_matches(valid)
    else:
        job.matches = match_people(valid)
    job.status = ImportJob.Status.CHECKED
    job.save(update_fields=["problems", "valid_rows", "matches", "status", "updated_at"])
    return job


def import_check_job(job_id: int) -> int:
    """Check a job's rows; a file refused on the way (over a limit, damaged) marks the job
    failed with the reason and is removed."""
    job = ImportJob.objects.get(pk=job_id)
    try:
        import_check(job)
    except ImportFileError as error:
        _refuse(job_id, error.message)
        return 0
    except Exception:
        # Not the file's fault: keep it, so the check can be looked into and run again.
        _refuse(job_id, str(UNEXPECTED), remove_file=False)
        raise
    return job.valid_rows


@background(queue="default")
def import_check_task(job_id: int) -> int:
    return import_check_job(job_id)


def _live_people() -> QuerySet[Person]:
    return Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True)


def match_people(rows: list[CheckedRow]) -> dict[str, dict[str, Any]]:
    """For each row, the existing person it is: same external id, same email, or probably (linkage)."""
    matches: dict[str, dict[str, Any]] = {}
    ids = {r.values["external_id"]: r for r in rows if r.values.get("external_id")}
    for person in (
        _live_people()
        .filter(external_id__in=list(ids))
        .only("code", "first_name", "last_name", "external_id", "erased_at")
    ):
        row = ids[person.external_id]
        matches[str(row.line)] = {
            "person": str(person.code),
            "name": person.full_name,
            "why": "same external id",
            "probability": 1.0,
        }
    emails = {
        normalise_email(r.values["email"]): r
        for r in rows
        if r.values.get("email") and str(r.line) not in matches
    }
    for value, code, first, last in ContactPoint.objects.filter(
        kind="email", normalised__in=list(emails), person__in=_live_people()
    ).values_list("normalised", "person__code", "person__first_name", "person__last_name"):
        row = emails[value]
        matches.setdefault(
            str(row.line),
            {"person": str(code), "name": f"{first} {last}".strip(), "why": "same email", "probability": 1.0},
        )
    unmatched = [r for r in rows if str(r.line) not in matches]
    if unmatched:
        matches.update(_probable_matches(unmatched))
    return matches


def _probable_matches(rows: list[CheckedRow]) -> dict[str, dict[str, Any]]:
    import pandas as pd

    from chorus.directory.duplicates import REVIEW_THRESHOLD, directory_frame
    from chorus.directory.linkage.engine import default_model, find_duplicates

    directory = directory_frame()
    if directory.empty:
        return {}
    incoming = pd.DataFrame(
        [
            {
                "unique_id": -r.line,
                "first_name": r.values.get("first_name", ""),
                "surname": r.values.get("last_name", ""),
                "email": r.values.get("email", ""),
                "phone": r.values.get("phone", ""),
                "postcode": r.values.get("postcode", ""),
                "organisation": r.values.get("organisation", ""),
            }
            for r in rows
        ]
    )
    # Negative ids mark the file's rows; the directory's are positive primary keys.
    result = find_duplicates(
        pd.concat([directory, incoming], ignore_index=True),
        review_threshold=REVIEW_THRESHOLD,
        model=default_model(),
    )
    best: dict[int, tuple[float, int]] = {}
    for left, right, probability in result.pairs[
        ["unique_id_l", "unique_id_r", "match_probability"]
    ].itertuples(index=False):
        left, right = int(left), int(right)
        if (left < 0) == (right < 0):
            continue
        line, person_id = (-left, right) if left < 0 else (-right, left)
        if probability > best.get(line, (0.0, 0))[0]:
            best[line] = (float(probability), person_id)
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[pid for _, pid in best.values()]).only(
            "code", "first_name", "last_name", "erased_at"
        )
    }
    return {
        str(line): {
            "person": str(people[pid].code),
            "name": people[pid].full_name,
            "why": "probable match",
            "probability": round(p, 3),
        }
        for line, (p, pid) in best.items()
        if pid in people
    }


def import_confirm(*, job: ImportJob, on_match: str, source: str, lawful_basis: str) -> ImportJob:
    job.on_match, job.source, job.lawful_basis = on_match, source, lawful_basis
    job.status = ImportJob.Status.IMPORTING
    job.save(update_fields=["on_match", "source", "lawful_basis", "status", "updated_at"])
    return job


def import_run(job: ImportJob) -> ImportJob:
    """Import the valid rows in atomic batches, from where any earlier run stopped."""
    checker = _checker(job)
    organisations: dict[str, Organisation] = {}

    def run_batch(rows: list[CheckedRow]) -> None:
        if job.kind == ImportJob.Kind.ORGANISATIONS:
            from chorus.directory.import_organisations import import_batch

            import_batch(job, rows, checker)
        else:
            _import_batch(job, rows, organisations, checker)

    batch: list[CheckedRow] = []
    position = 0
    for line, row in _rows(job):
        checked = checker.check(line, row)
        if checked.errors:
            continue
        position += 1
        if position <= job.processed_rows:
            continue
        batch.append(checked)
        if len(batch) >= BATCH:
            run_batch(batch)
            batch = []
    if batch:
        run_batch(batch)
    job.status = ImportJob.Status.DONE
    job.save(update_fields=["status", "updated_at"])
    return job


@background(queue="default")
def import_run_task(job_id: int) -> int:
    job = ImportJob.objects.get(pk=job_id)
    try:
        import_run(job)
    except ImportFileError as error:
        _refuse(job_id, error.message)
        return job.created_count
    except Exception:
        # The file stays: a rerun carries on from the last whole batch.
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED, failure=str(UNEXPECTED))
        raise
    return job.created_count


def _organisation(name: str, cache: dict[str, Organisation]) -> Organisation | None:
    if not name:
        return None
    key = fold(name)
    if key not in cache:
        found = Organisation.objects.filter(Q(name__iexact=name) | Q(other_names__icontains=name)).first()
        cache[key] = found or Organisation.objects.create(name=name)
    return cache[key]


class _Batch:
    """Who each row of a batch already is, found with a few queries for the whole batch."""

    def __init__(self, job: ImportJob, rows: list[CheckedRow]) -> None:
        live = _live_people()
        ext_ids = [r.values["external_id"] for r in rows if r.values.get("external_id")]
        emails = [normalise_email(r.values["email"]) for r in rows if r.values.get("email")]
        self.by_ext: dict[str, Person] = {p.external_id: p for p in live.filter(external_id__in=ext_ids)}
        self.by_email: dict[str, Person] = {}
        # Look contacts up by their indexed value, then keep live people only.
        for contact in ContactPoint.objects.filter(kind="email", normalised__in=emails).select_related(
            "person"
        ):
            person = contact.person
            if person.merged_into_id is None and person.erased_at is None:
                self.by_email.setdefault(contact.normalised, person)
        self.by_match: dict[str, Person] = {}
        if job.on_match == ImportJob.Matches.LINK:
            lines = {
                str(r.line): job.matches[str(r.line)]["person"] for r in rows if str(r.line) in job.matches
            }
            by_code: dict[str, Person] = {}
            for person in Person.objects.filter(code__in=set(lines.values())).select_related("merged_into"):
                survivor = person
                while survivor.merged_into_id and survivor.merged_into is not None:
                    survivor = survivor.merged_into
                by_code[str(person.code)] = survivor
            self.by_match = {line: by_code[code] for line, code in lines.items() if code in by_code}

    def existing(self, row: CheckedRow) -> Person | None:
        values = row.values
        if values.get("external_id") and values["external_id"] in self.by_ext:
            return self.by_ext[values["external_id"]]
        if values.get("email") and normalise_email(values["email"]) in self.by_email:
            return self.by_email[normalise_email(values["email"])]
        return self.by_match.get(str(row.line))

    def remember(self, row: CheckedRow, person: Person) -> None:
        """Later rows of the same file that are this person find it too."""
        if row.values.get("external_id"):
            self.by_ext.setdefault(row.values["external_id"], person)
        if row.values.get("email"):
            self.by_email.setdefault(normalise_email(row.values["email"]), person)


def _import_batch(
    job: ImportJob, rows: list[CheckedRow], organisations: dict[str, Organisation], checker: RowChecker
) -> None:
    today = timezone.localdate()
    actor = job.created_by
    with transaction.atomic():
        batch = _Batch(job, rows)
        new_rows: list[tuple[Person, CheckedRow]] = []
        updates: list[tuple[Person, CheckedRow]] = []
        for row in rows:
            person = batch.existing(row)
            if person is None:
                person = _person_from_row(job, row, checker)
                new_rows.append((person, row))
            else:
                updates.append((person, row))
            batch.remember(row, person)
        new_people = [person for person, _row in new_rows]
        seen: set[int] = set()
        unique_new = [p for p in new_people if not (id(p) in seen or seen.add(id(p)))]  # type: ignore[func-returns-value]
        created = Person.objects.bulk_create(unique_new, batch_size=BATCH)
        first_rows: dict[int, CheckedRow] = {}
        for person, row in new_rows:
            first_rows.setdefault(id(person), row)
        now = db_value(ContactPoint, "created_at", timezone.now())
        contacts: list[tuple[Any, ...]] = []
        memberships: list[tuple[Any, ...]] = []
        consents: list[tuple[Any, ...]] = []
        given_on = db_value(Consent, "given_on", today)
        consent_source = (job.source or job.original_name)[:200]
        for person in created:
            row = first_rows[id(person)]
            if email := row.values.get("email"):
                contacts.append((now, now, person.pk, "email", email, normalise_email(email), True))
            if phone := row.values.get("phone"):
                contacts.append((now, now, person.pk, "phone", phone, normalise_phone(phone), True))
            if organisation := _organisation(row.values.get("organisation", ""), organisations):
                memberships.append(
                    (now, now, person.pk, organisation.pk, row.values.get("job_title", "")[:150])
                )
            if job.lawful_basis:
                consents.append(
                    (now, now, person.pk, "Engagement", job.lawful_basis, given_on, consent_source)
                )
        insert_rows(
            ContactPoint,
            ["created_at", "updated_at", "person", "kind", "value", "normalised", "is_primary"],
            contacts,
        )
        insert_rows(Membership, ["created_at", "updated_at", "person", "organisation", "role"], memberships)
        insert_rows(
            Consent,
            ["created_at", "updated_at", "person", "purpose", "lawful_basis", "given_on", "source"],
            consents,
        )
        # After the new people's own rows, so a later row about one of them only adds what is new.
        updated = _apply_updates(updates, organisations)
        person_index([*created, *updated])
        detail = db_value(AuditEntry, "detail", {"import": str(job.code), "file": job.original_name})
        label = getattr(actor, "email", "")
        actor_id = getattr(actor, "pk", None)
        at = db_value(AuditEntry, "at", timezone.now())
        insert_rows(
            AuditEntry,
            [
                "at",
                "actor",
                "actor_label",
                "action",
                "object_type",
                "object_id",
                "object_repr",
                "ip_address",
                "detail",
            ],
            (
                (at, actor_id, label, action, "directory.person", str(p.code), str(p)[:200], None, detail)
                for action, group in ((AuditAction.CREATE, created), (AuditAction.CHANGE, updated))
                for p in group
            ),
        )
        job.processed_rows += len(rows)
        job.created_count += len(created)
        job.updated_count += len(rows) - len(created)
        job.save(update_fields=["processed_rows", "created_count", "updated_count", "updated_at"])


FILLED_FROM_ROWS = ("first_name", "job_title", "external_id", "communication_needs")


def _apply_updates(
    updates: list[tuple[Person, CheckedRow]], organisations: dict[str, Organisation]
) -> list[Person]:
    """Fill blanks of existing people from their rows and add new contacts and memberships:
    never overwrite what the directory already holds."""
    if not updates:
        return []
    ids = {person.pk for person, _row in updates}
    have_contacts = set(
        ContactPoint.objects.filter(person_id__in=ids).values_list("person_id", "kind", "normalised")
    )
    have_orgs = set(Membership.objects.filter(person_id__in=ids).values_list("person_id", "organisation_id"))
    changed: dict[int, Person] = {}
    contacts: list[ContactPoint] = []
    memberships: list[Membership] = []
    for person, row in updates:
        values = row.values
        for name in FILLED_FROM_ROWS:
            if values.get(name) and not getattr(person, name):
                setattr(person, name, values[name])
                changed[person.pk] = person
        if values.get("postcode") and not person.postcode:
            person.postcode = normalise_postcode(values["postcode"])
            changed[person.pk] = person
        for kind, value, normalised in (
            ("email", values.get("email", ""), normalise_email(values.get("email", ""))),
            ("phone", values.get("phone", ""), normalise_phone(values.get("phone", ""))),
        ):
            if value and (person.pk, kind, normalised) not in have_contacts:
                have_contacts.add((person.pk, kind, normalised))
                contacts.append(ContactPoint(person=person, kind=kind, value=value, normalised=normalised))
        organisation = _organisation(values.get("organisation", ""), organisations)
        if organisation and (person.pk, organisation.pk) not in have_orgs:
            have_orgs.add((person.pk, organisation.pk))
            memberships.append(
                Membership(person=person, organisation=organisation, role=values.get("job_title", ""))
            )
    Person.objects.bulk_update(list(changed.values()), [*FILLED_FROM_ROWS, "postcode"], batch_size=BATCH)
    ContactPoint.objects.bulk_create(contacts, batch_size=BATCH, ignore_conflicts=True)
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return list({person.pk: person for person, _row in updates}.values())


def _person_from_row(job: ImportJob, row: CheckedRow, checker: RowChecker) -> Person:
    values = row.values
    return Person(
        title=values.get("title", "")[:30],
        first_name=values.get("first_name", "")[:100],
        last_name=values["last_name"][:100],
        other_names=values.get("other_names", ""),
        job_title=values.get("job_title", "")[:150],
        postcode=normalise_postcode(values["postcode"]) if values.get("postcode") else "",
        region=checker.regions.get(fold(values.get("region", ""))),
        preferred_language=LANGUAGES[fold(values.get("preferred_language", ""))],
        communication_needs=values.get("communication_needs", ""),
        external_id=values.get("external_id", "")[:100],
        team=job.team,
    )


def rejected_rows(job: ImportJob) -> Iterator[list[str]]:
    """The rows that failed the check, as they were, with the reasons in a last column."""
    reasons = {p["line"]: " ".join(p["errors"]) for p in job.problems}
    yield ["line", *job.headers, "what to fix"]
    for line, row in _rows(job):
        if line in reasons:
            yield [str(line), *row, reasons[line]]
