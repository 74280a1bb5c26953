"""The people kind of directory import: its fields, checks, matching and batch writer.

A row is someone already in the directory when it has the same external id or the same
email, or is a probable match by the linkage model; importing it fills in that person's
blanks instead of adding a duplicate, so importing the same file twice adds no one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from chorus.core.audit import audit_record_many
from chorus.core.bulk import db_value, insert_rows
from chorus.core.custom_fields import WithCustomFields, row_problems, row_values
from chorus.core.custom_fields import definitions as custom_definitions
from chorus.core.hooks import person_emails_changed
from chorus.core.imports.columns import Field, Fields, guess_mapping
from chorus.core.imports.kinds import BatchWriter, ImportKind, Matches
from chorus.core.imports.rows import CheckedRow, RowChecker
from chorus.core.models import AuditAction
from chorus.directory.models import Consent, ContactPoint, Membership, Organisation, Person, Region
from chorus.directory.normalise import (
    fold,
    is_postcode,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    split_full_name,
)
from chorus.directory.reference import regions_by_key
from chorus.directory.search import person_index

if TYPE_CHECKING:
    from chorus.directory.models import ImportJob

BATCH = 1000

FIELDS: dict[str, Field] = {
    "external_id": Field(
        gettext_lazy("External id"),
        ("id", "external id", "reference", "ref", "contact id", "record id"),
    ),
    "full_name": Field(gettext_lazy("Full name"), ("name", "full name", "contact name", "attendee")),
    "first_name": Field(
        gettext_lazy("First name"),
        ("first name", "firstname", "forename", "given name", "first"),
    ),
    "last_name": Field(
        gettext_lazy("Last name"), ("last name", "lastname", "surname", "family name", "last")
    ),
    "title": Field(gettext_lazy("Title"), ("title", "salutation", "prefix")),
    "email": Field(gettext_lazy("Email"), ("email", "e-mail", "email address", "e-mail address")),
    "phone": Field(gettext_lazy("Phone"), ("phone", "telephone", "mobile", "phone number", "tel")),
    "organisation": Field(
        gettext_lazy("Organisation"),
        ("organisation", "organization", "company", "employer", "org"),
    ),
    "job_title": Field(gettext_lazy("Job title"), ("job title", "position", "role", "job")),
    "postcode": Field(gettext_lazy("Postcode"), ("postcode", "post code", "postal code", "zip")),
    "region": Field(gettext_lazy("Region"), ("region", "area", "nation")),
    "preferred_language": Field(
        gettext_lazy("Preferred language"), ("language", "preferred language", "iaith")
    ),
    "communication_needs": Field(
        gettext_lazy("Communication needs"),
        ("communication needs", "access needs", "needs"),
    ),
    "other_names": Field(
        gettext_lazy("Other names"), ("other names", "alias", "also known as", "previous name")
    ),
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


def guess_people_mapping(headers: list[str], fields: Fields = FIELDS) -> dict[str, str]:
    """Field -> column, from the column names; separate first and last names beat a full name."""
    mapping = guess_mapping(headers, fields)
    if "first_name" in mapping and "last_name" in mapping:
        mapping.pop("full_name", None)
    return mapping


class PeopleRowChecker(RowChecker):
    """Checks rows of people, with the regions loaded once."""

    def __init__(self, headers: list[str], mapping: dict[str, str]) -> None:
        super().__init__(headers, mapping)
        self.regions: dict[str, Region] = regions_by_key()
        self.custom = custom_definitions("person")

    def check_row(self, checked: CheckedRow) -> None:
        values, errors = checked.values, checked.errors
        if values.get("full_name") and not values.get("last_name"):
            first, last = split_full_name(values["full_name"])
            values["first_name"] = values.get("first_name") or first
            values["last_name"] = last
        if not values.get("last_name"):
            errors.append(_("The last name is missing. Add it, or a full name column."))
        if len(values.get("last_name", "")) > 100 or len(values.get("first_name", "")) > 100:
            errors.append(_("A name is longer than 100 characters. Check the columns are matched correctly."))
        if email := values.get("email"):
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(value)s” is not an email address.") % {"value": email})
        if phone := values.get("phone"):
            digits = normalise_phone(phone).lstrip("+")
            if not digits.isdigit() or not 7 <= len(digits) <= 15:
                errors.append(_("“%(value)s” is not a phone number.") % {"value": phone})
        if (postcode := values.get("postcode")) and not is_postcode(postcode):
            errors.append(_("“%(value)s” is not a UK postcode.") % {"value": postcode})
        if (region := values.get("region")) and fold(region) not in self.regions:
            errors.append(
                _(
                    "“%(value)s” is not a region Chorus knows. "
                    "Use a UK nation or English region, like Wales or London."
                )
                % {"value": region}
            )
        if fold(values.get("preferred_language", "")) not in LANGUAGES:
            errors.append(
                _("“%(value)s” is not a language Chorus offers. Use English or Welsh.")
                % {"value": values["preferred_language"]}
            )
        errors.extend(row_problems(self.custom, values))


def _live_people() -> QuerySet[Person]:
    return Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True)


def match_people(rows: list[CheckedRow]) -> Matches:
    """For each row, the existing person it is: same external id, same email, or probably (linkage)."""
    matches: Matches = {}
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


def _probable_matches(rows: list[CheckedRow]) -> Matches:
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
        if job.on_match == job.Matches.LINK:
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


class PeopleWriter:
    """Writes batches of one import's people: new people with their contacts, memberships
    and consent; people already in the directory have their blanks filled in."""

    def __init__(self, job: ImportJob, checker: PeopleRowChecker) -> None:
        self.job = job
        self.checker = checker
        self.organisations: dict[str, Organisation] = {}  # for the whole import

    def __call__(self, rows: list[CheckedRow]) -> int:
        job = self.job
        batch = _Batch(job, rows)
        new_rows: list[tuple[Person, CheckedRow]] = []
        updates: list[tuple[Person, CheckedRow]] = []
        for row in rows:
            person = batch.existing(row)
            if person is None:
                person = self._person_from_row(row)
                new_rows.append((person, row))
            else:
                updates.append((person, row))
            batch.remember(row, person)
        first_rows: dict[int, CheckedRow] = {}
        unique_new: list[Person] = []
        for person, row in new_rows:
            if id(person) not in first_rows:
                first_rows[id(person)] = row
                unique_new.append(person)
        created = Person.objects.bulk_create(unique_new, batch_size=BATCH)
        self._add_details(created, first_rows)
        # After the new people's own rows, so a later row about one of them only adds what is new.
        updated = self._apply_updates(updates)
        person_emails_changed(normalise_email(row.values.get("email", "")) for row in rows)
        person_index([*created, *updated])
        audit_record_many(
            actor=job.created_by,
            records=[
                *((AuditAction.CREATE, person) for person in created),
                *((AuditAction.CHANGE, person) for person in updated),
            ],
            detail={"import": str(job.code), "file": job.original_name},
        )
        return len(created)

    def _person_from_row(self, row: CheckedRow) -> Person:
        values = row.values
        return Person(
            title=values.get("title", "")[:30],
            first_name=values.get("first_name", "")[:100],
            last_name=values["last_name"][:100],
            other_names=values.get("other_names", ""),
            job_title=values.get("job_title", "")[:150],
            postcode=normalise_postcode(values["postcode"]) if values.get("postcode") else "",
            region=self.checker.regions.get(fold(values.get("region", ""))),
            preferred_language=LANGUAGES[fold(values.get("preferred_language", ""))],
            communication_needs=values.get("communication_needs", ""),
            external_id=values.get("external_id", "")[:100],
            team=self.job.team,
            custom=row_values(self.checker.custom, values),
        )

    def _add_details(self, created: list[Person], first_rows: dict[int, CheckedRow]) -> None:
        job = self.job
        now = db_value(ContactPoint, "created_at", timezone.now())
        contacts: list[tuple[Any, ...]] = []
        memberships: list[tuple[Any, ...]] = []
        consents: list[tuple[Any, ...]] = []
        given_on = db_value(Consent, "given_on", timezone.localdate())
        consent_source = (job.source or job.original_name)[:200]
        for person in created:
            row = first_rows[id(person)]
            if email := row.values.get("email"):
                contacts.append((now, now, person.pk, "email", email, normalise_email(email), True))
            if phone := row.values.get("phone"):
                contacts.append((now, now, person.pk, "phone", phone, normalise_phone(phone), True))
            if organisation := _organisation(row.values.get("organisation", ""), self.organisations):
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

    def _apply_updates(self, updates: list[tuple[Person, CheckedRow]]) -> list[Person]:
        """Fill blanks of existing people from their rows and add new contacts and memberships:
        never overwrite what the directory already holds."""
        if not updates:
            return []
        ids = {person.pk for person, _row in updates}
        have_contacts = set(
            ContactPoint.objects.filter(person_id__in=ids).values_list("person_id", "kind", "normalised")
        )
        have_orgs = set(
            Membership.objects.filter(person_id__in=ids).values_list("person_id", "organisation_id")
        )
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
            for key, value in row_values(self.checker.custom, values).items():
                if key not in person.custom:
                    person.custom = {**person.custom, key: value}
                    changed[person.pk] = person
            for kind, value, normalised in (
                ("email", values.get("email", ""), normalise_email(values.get("email", ""))),
                ("phone", values.get("phone", ""), normalise_phone(values.get("phone", ""))),
            ):
                if value and (person.pk, kind, normalised) not in have_contacts:
                    have_contacts.add((person.pk, kind, normalised))
                    contacts.append(
                        ContactPoint(person=person, kind=kind, value=value, normalised=normalised)
                    )
            organisation = _organisation(values.get("organisation", ""), self.organisations)
            if organisation and (person.pk, organisation.pk) not in have_orgs:
                have_orgs.add((person.pk, organisation.pk))
                memberships.append(
                    Membership(person=person, organisation=organisation, role=values.get("job_title", ""))
                )
        Person.objects.bulk_update(
            list(changed.values()), [*FILLED_FROM_ROWS, "postcode", "custom"], batch_size=BATCH
        )
        ContactPoint.objects.bulk_create(contacts, batch_size=BATCH, ignore_conflicts=True)
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        return list({person.pk: person for person, _row in updates}.values())


FILLED_FROM_ROWS = ("first_name", "job_title", "external_id", "communication_needs")


def _writer(job: ImportJob, checker: RowChecker) -> BatchWriter:
    return PeopleWriter(job, cast("PeopleRowChecker", checker))  # the kind pairs them


def _done(created: int, updated: int) -> str:
    added = ngettext("%(count)s person added", "%(count)s people added", created) % {"count": created}
    changed = ngettext("%(count)s updated", "%(count)s updated", updated) % {"count": updated}
    return _("%(added)s, %(updated)s") % {"added": added, "updated": changed}


PEOPLE = ImportKind(
    name="people",
    fields=WithCustomFields(FIELDS, "person"),
    checker=PeopleRowChecker,
    required=("last_name", "full_name"),
    required_message=gettext_lazy("Match a column to Last name or to Full name: every person needs a name."),
    matcher=match_people,
    writer=_writer,
    done_message=_done,
    batch_size=BATCH,
    guess=guess_people_mapping,
)
