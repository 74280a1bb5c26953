"""The organisations kind of directory import: its fields, checks, matching and batch writer.

A row is an organisation already in the directory when it has the same external id or
the same name (or one of its other names), or a name that is nearly the same; importing
it fills in that organisation's blanks instead of adding it twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rapidfuzz import fuzz, process

from chorus.core.audit import audit_record_many
from chorus.core.custom_fields import WithCustomFields, row_problems, row_values
from chorus.core.custom_fields import definitions as custom_definitions
from chorus.core.imports.columns import Field
from chorus.core.imports.kinds import BatchWriter, ImportKind, Matches
from chorus.core.imports.rows import CheckedRow, RowChecker
from chorus.core.models import AuditAction
from chorus.directory.models import Organisation, OrganisationKind, Region
from chorus.directory.normalise import fold, organisation_key
from chorus.directory.reference import regions_by_key

if TYPE_CHECKING:
    from chorus.directory.models import ImportJob

FIELDS: dict[str, Field] = {
    "external_id": Field(gettext_lazy("External id"), ("id", "external id", "reference", "ref", "org id")),
    "name": Field(
        gettext_lazy("Name"), ("name", "organisation", "organization", "organisation name", "company")
    ),
    "other_names": Field(
        gettext_lazy("Other names"), ("other names", "also known as", "abbreviation", "acronym")
    ),
    "kind": Field(gettext_lazy("Type"), ("type", "organisation type", "kind", "category")),
    "sector": Field(gettext_lazy("Sector"), ("sector", "industry")),
    "website": Field(gettext_lazy("Website"), ("website", "web", "url", "web address")),
    "region": Field(gettext_lazy("Region"), ("region", "area", "nation")),
    "parent": Field(gettext_lazy("Part of"), ("parent", "parent organisation", "part of", "group")),
}
SIMILAR_NAME = 95
FILLED_FROM_ROWS = ("sector", "website", "external_id", "other_names")


class OrganisationRowChecker(RowChecker):
    """Checks rows of organisations, with the regions and types loaded once."""

    def __init__(self, headers: list[str], mapping: dict[str, str]) -> None:
        super().__init__(headers, mapping)
        self.regions: dict[str, Region] = regions_by_key()
        self.kinds = {fold(str(label)): value for value, label in OrganisationKind.choices}
        self.kinds.update({fold(value): value for value in OrganisationKind.values})
        self.url = URLValidator()
        self.custom = custom_definitions("organisation")

    def check_row(self, checked: CheckedRow) -> None:
        values, errors = checked.values, checked.errors
        if not values.get("name"):
            errors.append(_("The organisation's name is missing."))
        elif len(values["name"]) > 200:
            errors.append(
                _("The name is longer than 200 characters. Check the columns are matched correctly.")
            )
        if (kind := values.get("kind")) and fold(kind) not in self.kinds:
            errors.append(
                _(
                    "“%(value)s” is not a type Chorus knows. "
                    "Use one like Charity, Advice agency or Public body."
                )
                % {"value": kind}
            )
        if website := values.get("website"):
            candidate = website if "://" in website else f"https://{website}"
            try:
                self.url(candidate)
                values["website"] = candidate
            except ValidationError:
                errors.append(_("“%(value)s” is not a web address.") % {"value": website})
        if (region := values.get("region")) and fold(region) not in self.regions:
            errors.append(
                _(
                    "“%(value)s” is not a region Chorus knows. "
                    "Use a UK nation or English region, like Wales or London."
                )
                % {"value": region}
            )
        errors.extend(row_problems(self.custom, values))


def _name_index() -> dict[str, Organisation]:
    names: dict[str, Organisation] = {}
    for organisation in Organisation.objects.all():
        for name in (organisation.name, *organisation.other_name_list()):
            names.setdefault(organisation_key(name), organisation)
    return names


def match_organisations(rows: list[CheckedRow]) -> Matches:
    """For each row, the organisation it is: same external id, same name, or a nearly same name."""
    matches: Matches = {}
    by_ext = {o.external_id: o for o in Organisation.objects.exclude(external_id="")}
    names = _name_index()
    keys = list(names)
    for row in rows:
        values, line = row.values, str(row.line)
        if values.get("external_id") in by_ext:
            found = by_ext[values["external_id"]]
            matches[line] = {
                "organisation": str(found.code),
                "name": found.name,
                "why": "same external id",
                "probability": 1.0,
            }
            continue
        key = organisation_key(values.get("name", ""))
        if key in names:
            found = names[key]
            matches[line] = {
                "organisation": str(found.code),
                "name": found.name,
                "why": "same name",
                "probability": 1.0,
            }
            continue
        best = (
            process.extractOne(key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR_NAME)
            if keys
            else None
        )
        if best:
            found = names[best[0]]
            matches[line] = {
                "organisation": str(found.code),
                "name": found.name,
                "why": "probable match",
                "probability": round(best[1] / 100, 3),
            }
    return matches


class OrganisationWriter:
    """Writes batches of one import's organisations: new ones created, ones already in the
    directory filled in, each put in its region and under its parent."""

    def __init__(self, job: ImportJob, checker: OrganisationRowChecker) -> None:
        self.job = job
        self.checker = checker

    def __call__(self, rows: list[CheckedRow]) -> int:
        job, checker = self.job, self.checker
        by_ext = {o.external_id: o for o in Organisation.objects.exclude(external_id="")}
        names = _name_index()
        created: list[Organisation] = []
        updated: dict[int, Organisation] = {}
        pending: dict[str, Organisation] = {}
        links: list[tuple[Organisation, CheckedRow]] = []
        for row in rows:
            values = row.values
            key = organisation_key(values["name"])
            existing = by_ext.get(values.get("external_id", "")) if values.get("external_id") else None
            existing = existing or names.get(key) or pending.get(key)
            match = job.matches.get(str(row.line))
            if existing is None and match and job.on_match == job.Matches.LINK:
                existing = Organisation.objects.filter(code=match["organisation"]).first()
            if existing is None:
                organisation = Organisation(
                    name=values["name"][:200],
                    other_names=values.get("other_names", ""),
                    kind=checker.kinds.get(fold(values.get("kind", "")), OrganisationKind.OTHER),
                    sector=values.get("sector", "")[:100],
                    website=values.get("website", ""),
                    external_id=values.get("external_id", "")[:100],
                    team=job.team,
                    custom=row_values(checker.custom, values),
                )
                pending[key] = organisation
                created.append(organisation)
                links.append((organisation, row))
                continue
            for name in FILLED_FROM_ROWS:
                if values.get(name) and not getattr(existing, name):
                    setattr(existing, name, values[name])
            # Added fields are filled in too, never overwritten.
            existing.custom = {**row_values(checker.custom, values), **existing.custom}
            if existing.pk:
                updated[existing.pk] = existing
            links.append((existing, row))
        Organisation.objects.bulk_create(created, batch_size=1000)
        Organisation.objects.bulk_update(list(updated.values()), [*FILLED_FROM_ROWS, "custom"])
        names = {**names, **{organisation_key(o.name): o for o in created}}
        for organisation, row in links:
            if region := checker.regions.get(fold(row.values.get("region", ""))):
                organisation.regions.add(region)
            parent = (
                names.get(organisation_key(row.values.get("parent", "")))
                if row.values.get("parent")
                else None
            )
            if parent is not None and parent.pk != organisation.pk and organisation.parent_id is None:
                organisation.parent = parent
                organisation.save(update_fields=["parent", "updated_at"])
        new = {o.pk for o in created}
        everyone = {**{o.pk: o for o in created}, **updated}
        audit_record_many(
            actor=job.created_by,
            records=(
                (AuditAction.CREATE if o.pk in new else AuditAction.CHANGE, o) for o in everyone.values()
            ),
            detail={"import": str(job.code), "file": job.original_name},
        )
        return len(created)


def _writer(job: ImportJob, checker: RowChecker) -> BatchWriter:
    return OrganisationWriter(job, cast("OrganisationRowChecker", checker))  # the kind pairs them


def _done(created: int, updated: int) -> str:
    added = ngettext("%(count)s organisation added", "%(count)s organisations added", created) % {
        "count": created
    }
    changed = ngettext("%(count)s updated", "%(count)s updated", updated) % {"count": updated}
    return _("%(added)s, %(updated)s") % {"added": added, "updated": changed}


ORGANISATIONS = ImportKind(
    name="organisations",
    fields=WithCustomFields(FIELDS, "organisation"),
    checker=OrganisationRowChecker,
    required=("name",),
    required_message=gettext_lazy("Match a column to Name: every organisation needs a name."),
    matcher=match_organisations,
    writer=_writer,
    done_message=_done,
)
