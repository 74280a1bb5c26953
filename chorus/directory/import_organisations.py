"""Importing organisations from CSV or XLSX: the organisation side of ``imports``.

The same steps as people (map columns, check every row, see which rows are already an
organisation, import the valid rows or nothing, in atomic batches), with the rules that
suit organisations: a row is the same organisation when it has the same external id or
the same name (or one of its other names), or a name that is nearly the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from chorus.core.bulk import db_value, insert_rows
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import ImportJob, Organisation, OrganisationKind, Region
from chorus.directory.normalise import fold, organisation_key
from chorus.directory.reference import regions_ensure

if TYPE_CHECKING:
    from chorus.directory.imports import CheckedRow

FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "external_id": (gettext_lazy("External id"), ("id", "external id", "reference", "ref", "org id")),
    "name": (gettext_lazy("Name"), ("name", "organisation", "organization", "organisation name", "company")),
    "other_names": (gettext_lazy("Other names"), ("other names", "also known as", "abbreviation", "acronym")),
    "kind": (gettext_lazy("Type"), ("type", "organisation type", "kind", "category")),
    "sector": (gettext_lazy("Sector"), ("sector", "industry")),
    "website": (gettext_lazy("Website"), ("website", "web", "url", "web address")),
    "region": (gettext_lazy("Region"), ("region", "area", "nation")),
    "parent": (gettext_lazy("Part of"), ("parent", "parent organisation", "part of", "group")),
}
SIMILAR_NAME = 95


class OrganisationRowChecker:
    def __init__(self, headers: list[str], mapping: dict[str, str]) -> None:
        regions_ensure()
        self.index = {name: headers.index(column) for name, column in mapping.items() if column in headers}
        self.regions: dict[str, Region] = {}
        for region in Region.objects.all():
            for key in (region.name_en, region.name_cy, region.ons_code):
                self.regions[fold(key)] = region
        self.kinds = {fold(str(label)): value for value, label in OrganisationKind.choices}
        self.kinds.update({fold(value): value for value in OrganisationKind.values})
        self.url = URLValidator()

    def check(self, line: int, row: list[str]) -> CheckedRow:
        from chorus.directory.imports import CheckedRow

        values = {name: (row[i] if i < len(row) else "").strip() for name, i in self.index.items()}
        checked = CheckedRow(line=line, values=values)
        if not values.get("name"):
            checked.errors.append(_("The organisation's name is missing."))
        elif len(values["name"]) > 200:
            checked.errors.append(
                _("The name is longer than 200 characters. Check the columns are matched correctly.")
            )
        if (kind := values.get("kind")) and fold(kind) not in self.kinds:
            checked.errors.append(
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
                checked.errors.append(_("“%(value)s” is not a web address.") % {"value": website})
        if (region := values.get("region")) and fold(region) not in self.regions:
            checked.errors.append(
                _(
                    "“%(value)s” is not a region Chorus knows. "
                    "Use a UK nation or English region, like Wales or London."
                )
                % {"value": region}
            )
        return checked


def _name_index() -> dict[str, Organisation]:
    names: dict[str, Organisation] = {}
    for organisation in Organisation.objects.all():
        for name in (organisation.name, *organisation.other_name_list()):
            names.setdefault(organisation_key(name), organisation)
    return names


def find_matches(rows: list[CheckedRow]) -> dict[str, dict[str, Any]]:
    matches: dict[str, dict[str, Any]] = {}
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


def import_batch(job: ImportJob, rows: list[CheckedRow], checker: OrganisationRowChecker) -> None:
    """Create or fill in the organisations of one batch, atomically."""
    with transaction.atomic():
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
            if existing is None and match and job.on_match == ImportJob.Matches.LINK:
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
                )
                pending[key] = organisation
                created.append(organisation)
                links.append((organisation, row))
                continue
            for name in ("sector", "website", "external_id", "other_names"):
                if values.get(name) and not getattr(existing, name):
                    setattr(existing, name, values[name])
            if existing.pk:
                updated[existing.pk] = existing
            links.append((existing, row))
        Organisation.objects.bulk_create(created, batch_size=1000)
        Organisation.objects.bulk_update(
            list(updated.values()), ["sector", "website", "external_id", "other_names"]
        )
        everyone = {**{o.pk: o for o in created}, **updated}
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
        actor = job.created_by
        at = db_value(AuditEntry, "at", timezone.now())
        detail = db_value(AuditEntry, "detail", {"import": str(job.code), "file": job.original_name})
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
                (
                    at,
                    getattr(actor, "pk", None),
                    getattr(actor, "email", ""),
                    AuditAction.CREATE if o in created else AuditAction.CHANGE,
                    "directory.organisation",
                    str(o.code),
                    o.name[:200],
                    None,
                    detail,
                )
                for o in everyone.values()
            ),
        )
        job.processed_rows += len(rows)
        job.created_count += len(created)
        job.updated_count += len(rows) - len(created)
        job.save(update_fields=["processed_rows", "created_count", "updated_count", "updated_at"])
