"""Finding duplicate people in the directory, and merging them (with undo)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.tasks import background
from chorus.directory.models import (
    ContactPoint,
    DuplicateCandidate,
    Membership,
    MergeRecord,
    Person,
    SearchToken,
)
from chorus.directory.search import person_index
from chorus.directory.services import people_first_attended_refresh

if TYPE_CHECKING:
    from chorus.accounts.models import User

REVIEW_THRESHOLD = 0.5
# Below this many people the directory is too small to train a model on reliably,
# so the model shipped with Chorus (trained on a generated directory) scores it.
TRAIN_FROM = 20_000
# Survivor fields that a merge fills from the duplicate when the survivor's is blank.
FILLABLE = (
    "title",
    "first_name",
    "job_title",
    "region_id",
    "postcode",
    "communication_needs",
    "owner_id",
    "external_id",
)
# Fields whose value staff choose, one by one, when the two records differ: the survivor keeps
# its own unless they choose the duplicate's. ("email" and "phone" choose the main contact.)
CHOOSABLE = ("title", "first_name", "last_name", "job_title", "postcode", "region_id", "email", "phone")
# Relations a merge does not move: bookkeeping of the directory itself.
_NOT_MOVED = {SearchToken, DuplicateCandidate, MergeRecord, Person}


def directory_frame(people: Any = None) -> pd.DataFrame:
    """The live directory (not merged away, not erased) as a table for the linkage engine.

    One query, read in chunks into columns: a million people take a few hundred MB, not the
    gigabytes a dict per person took."""
    people = people if people is not None else Person.objects.all()
    people = people.filter(merged_into__isnull=True, erased_at__isnull=True)

    def main_contact(kind: str) -> Subquery:
        return Subquery(
            ContactPoint.objects.filter(person=OuterRef("pk"), kind=kind, is_primary=True)
            .order_by("pk")
            .values("normalised")[:1]
        )

    organisation = Subquery(
        Membership.objects.filter(person=OuterRef("pk"))
        .order_by("-start", "pk")
        .values("organisation__name")[:1]
    )
    rows = (
        people.order_by()
        .annotate(
            email=main_contact(ContactPoint.Kind.EMAIL),
            phone=main_contact(ContactPoint.Kind.PHONE),
            organisation_name=organisation,
        )
        .values_list("pk", "first_name", "last_name", "postcode", "email", "phone", "organisation_name")
    )
    columns = ["unique_id", "first_name", "surname", "postcode", "email", "phone", "organisation"]
    values: list[list[Any]] = [[] for _ in columns]
    for row in rows.iterator(chunk_size=5000):
        for column, value in zip(values, row, strict=True):
            column.append(value)
    return pd.DataFrame(dict(zip(columns, values, strict=True)), columns=columns)


def duplicates_find() -> int:
    """Run the linkage model over the directory and queue new candidate pairs for review.

    Pairs are written in batches (insert, or update the scores of a pair still waiting for
    review); pairs staff have already decided keep their decision. Returns how many pairs
    are new to the queue."""
    from django.conf import settings

    from chorus.directory.linkage.engine import default_model, find_duplicates, spark_session

    frame = directory_frame()
    if len(frame) < 2:
        return 0
    engine = settings.CHORUS_LINKAGE_ENGINE
    # On Spark the model is always trained on the directory (see find_duplicates).
    model = None if len(frame) >= TRAIN_FROM or engine == "spark" else default_model()
    result = find_duplicates(
        frame,
        review_threshold=REVIEW_THRESHOLD,
        model=model,
        engine=engine,
        spark=spark_session(master=settings.CHORUS_LINKAGE_SPARK_MASTER) if engine == "spark" else None,
        memory_gb=settings.CHORUS_LINKAGE_MEMORY_GB,
    )
    return _candidates_save(result)


def _candidates_save(result: Any, batch: int = 5000) -> int:
    existing = set(DuplicateCandidate.objects.values_list("person_a_id", "person_b_id", "status"))
    decided = {(a, b) for a, b, status in existing if status != DuplicateCandidate.Status.PENDING}
    pending = {(a, b) for a, b, status in existing if status == DuplicateCandidate.Status.PENDING}
    created = 0
    objects: list[DuplicateCandidate] = []

    def flush() -> None:
        DuplicateCandidate.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["person_a", "person_b"],
            update_fields=["match_probability", "match_weight", "agreement", "updated_at"],
        )
        objects.clear()

    with transaction.atomic():
        for row in result.pairs.itertuples(index=False):
            a, b = sorted((int(row.unique_id_l), int(row.unique_id_r)))
            if (a, b) in decided:
                continue
            created += (a, b) not in pending
            objects.append(
                DuplicateCandidate(
                    person_a_id=a,
                    person_b_id=b,
                    match_probability=float(row.match_probability),
                    match_weight=float(row.match_weight),
                    agreement=result.explain(pd.Series(row._asdict())),
                )
            )
            if len(objects) >= batch:
                flush()
        if objects:
            flush()
    return created


@background(queue="default")
def duplicates_find_task() -> int:
    return duplicates_find()


def _moved_relations() -> list[tuple[type[Any], str]]:
    relations = []
    for relation in Person._meta.related_objects:
        if relation.many_to_many or relation.related_model in _NOT_MOVED:
            continue
        relations.append((cast("type[Any]", relation.related_model), relation.field.name))
    return relations


def likelihood(probability: float) -> str:
    """The chance that a pair is one person, in words and as a percentage."""
    percent = min(99, max(1, round(probability * 100)))
    if probability >= 0.95:
        return _("Very likely the same person (%(percent)s%%)") % {"percent": percent}
    if probability >= 0.8:
        return _("Likely the same person (%(percent)s%%)") % {"percent": percent}
    if probability >= 0.5:
        return _("Possibly the same person (%(percent)s%%)") % {"percent": percent}
    return _("Unlikely to be the same person (%(percent)s%%)") % {"percent": percent}


def _primary(person: Person, kind: str) -> ContactPoint | None:
    contacts = list(person.contacts.filter(kind=kind).order_by("-is_primary", "pk"))
    return contacts[0] if contacts else None


def merge_field_values(person: Person) -> dict[str, str]:
    """What the kept record could take from this record, field by field, as shown to staff."""
    values = {name: str(getattr(person, name) or "") for name in CHOOSABLE if name not in ("email", "phone")}
    values["region_id"] = person.region.name_for(get_language()) if person.region else ""
    for kind in ("email", "phone"):
        contact = _primary(person, kind)
        values[kind] = contact.value if contact else ""
    return values


def agreement_reasons(candidate: DuplicateCandidate) -> list[str]:
    """Why the model paired the two records, in words, from how each compared field agreed."""
    how = {field: str(level).lower() for field, level in candidate.agreement.items()}
    reasons = _name_reasons(candidate, how)
    words = {
        "email": (_("Same email address"), _("Different email addresses")),
        "phone": (_("Same phone number"), _("Different phone numbers")),
        "postcode": (_("Same postcode"), _("Different postcodes")),
        "organisation": (_("Same organisation"), _("Different organisations")),
        "dob": (_("Same date of birth"), _("Different dates of birth")),
    }
    for field, (same, different) in words.items():
        level = how.get(field, "")
        if level == "same":
            reasons.append(same)
        elif level == "different":
            reasons.append(different)
        elif field == "postcode" and "levenshtein" in level:
            reasons.append(_("Postcodes one character apart"))
        elif field == "postcode" and "town" in level:
            reasons.append(_("Same postcode district or town"))
        elif field == "postcode" and "district" in level:
            reasons.append(_("Same postcode district"))
        elif field == "email" and level == "typo":
            reasons.append(_("Email addresses a typo apart"))
        elif field == "organisation" and "jaro" in level:
            reasons.append(_("Organisation names nearly the same"))
    return reasons


def _name_reasons(candidate: DuplicateCandidate, how: dict[str, str]) -> list[str]:
    a, b = candidate.person_a, candidate.person_b
    names = {"a": a.full_name, "b": b.full_name}
    reasons: list[str] = []
    first, surname = how.get("first_name", ""), how.get("surname", "")
    if "transposed" in first or "transposed" in surname:
        reasons.append(_("First name and surname swapped round (%(a)s / %(b)s)") % names)
    else:
        if first == "same":
            reasons.append(_("Same first name"))
        elif "nickname" in first:
            reasons.append(_("First names that can be short for each other (%(a)s / %(b)s)") % names)
        elif "jaro" in first:
            reasons.append(_("First names nearly the same (%(a)s / %(b)s)") % names)
        elif "initial" in first:
            reasons.append(_("First name given as an initial (%(a)s / %(b)s)") % names)
        elif first == "different":
            reasons.append(_("Different first name"))
        if surname == "same":
            reasons.append(_("Same surname"))
        elif ">= 0.92" in surname:
            reasons.append(_("Names nearly the same (%(a)s / %(b)s)") % names)
        elif "jaro" in surname:
            reasons.append(_("Surnames a little alike (%(a)s / %(b)s)") % names)
        elif surname == "different":
            reasons.append(_("Different surname"))
    return reasons


def _apply_choices(survivor: Person, duplicate: Person, take: set[str], filled: dict[str, Any]) -> None:
    """Give the survivor the duplicate's value of each field in ``take``, remembering the old."""
    for name in take - {"email", "phone"}:
        filled.setdefault(name, getattr(survivor, name))
        setattr(survivor, name, getattr(duplicate, name))
    for kind in take & {"email", "phone"}:
        chosen = _primary(duplicate, kind)
        if chosen is None:
            continue
        previous = list(survivor.contacts.filter(kind=kind, is_primary=True).values_list("pk", flat=True))
        # Undo makes these main again: the survivor's own, and the duplicate's chosen one.
        filled.setdefault("__primary__", []).append({"kind": kind, "was": previous, "chosen": chosen.pk})
        filled["__chosen_was_primary__"] = filled.get("__chosen_was_primary__", []) + (
            [chosen.pk] if chosen.is_primary else []
        )


def _apply_primary_choices(survivor: Person, filled: dict[str, Any]) -> None:
    """After the contacts have moved, make each chosen one the survivor's main contact."""
    for entry in filled.get("__primary__", []):
        if not survivor.contacts.filter(pk=entry["chosen"]).exists():
            continue  # the survivor already had the same contact, which stays its own
        survivor.contacts.filter(kind=entry["kind"]).exclude(pk=entry["chosen"]).update(is_primary=False)
        survivor.contacts.filter(pk=entry["chosen"]).update(is_primary=True)


def _merge_check(survivor: Person, duplicate: Person, take: set[str] | frozenset[str]) -> None:
    if set(take) - set(CHOOSABLE):
        raise ValidationError("Only these fields can be chosen: " + ", ".join(CHOOSABLE))
    if survivor.pk == duplicate.pk:
        raise ValidationError("A record cannot be merged with itself.")
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(
            "One of these records has already been merged. Open the record it was merged into."
        )
    if survivor.erased_at or duplicate.erased_at:
        raise ValidationError("An erased record cannot be merged.")


def person_merge(
    *,
    actor: User,
    survivor: Person,
    duplicate: Person,
    request: HttpRequest | None = None,
    take: set[str] | frozenset[str] = frozenset(),
) -> MergeRecord:
    """Fold ``duplicate`` into ``survivor``: every link moves, blanks are filled, the fields
    named in ``take`` (of CHOOSABLE) take the duplicate's value, and the duplicate stays
    (hidden) so that the merge can be undone."""
    _merge_check(survivor, duplicate, take)
    with transaction.atomic():
        moved: dict[str, dict[str, Any]] = {}
        kept: dict[str, list[int]] = {}
        survivor_name = survivor.full_name
        filled: dict[str, Any] = {"other_names": survivor.other_names}
        _apply_choices(survivor, duplicate, set(take), filled)
        for model, field_name in _moved_relations():
            ids: list[int] = []
            for pk in list(model.objects.filter(**{field_name: duplicate}).values_list("pk", flat=True)):
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=pk).update(**{field_name: survivor})
                    ids.append(pk)
                except IntegrityError:
                    # The survivor already has the same (the same email, say): it stays put.
                    kept.setdefault(model._meta.label_lower, []).append(pk)
            if ids:
                moved[model._meta.label_lower] = {"field": field_name, "ids": ids}
        added_topics = list(
            duplicate.topics.exclude(pk__in=survivor.topics.values("pk")).values_list("pk", flat=True)
        )
        survivor.topics.add(*added_topics)
        filled["__topics__"] = added_topics
        _apply_primary_choices(survivor, filled)
        for name in FILLABLE:
            if name not in filled and not getattr(survivor, name) and getattr(duplicate, name):
                filled[name] = getattr(survivor, name)
                setattr(survivor, name, getattr(duplicate, name))
        # Values of added fields the survivor lacks come from the duplicate (undo puts them back).
        if set(duplicate.custom or {}) - set(survivor.custom or {}):
            filled["custom"] = dict(survivor.custom or {})
            survivor.custom = {**(duplicate.custom or {}), **(survivor.custom or {})}
        other_names = survivor.other_name_list()
        for name in [survivor_name, duplicate.full_name, *duplicate.other_name_list()]:
            if name and name != survivor.full_name and name not in other_names:
                other_names.append(name)
        survivor.other_names = "\n".join(other_names)
        survivor.save()
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into", "updated_at"])
        merge = MergeRecord.objects.create(
            survivor=survivor, duplicate=duplicate, merged_by=actor, moved=moved, filled=filled
        )
        DuplicateCandidate.objects.filter(
            Q(person_a=survivor, person_b=duplicate) | Q(person_a=duplicate, person_b=survivor)
        ).update(status=DuplicateCandidate.Status.MERGED, reviewed_by=actor, reviewed_at=timezone.now())
        person_index([survivor, duplicate])
        people_first_attended_refresh([survivor.pk, duplicate.pk])  # their attendance moved
        detail = {
            "merged": str(duplicate.code),
            "into": str(survivor.code),
            # Names as they were, so the entry still reads as a sentence after later edits.
            "duplicate_name": duplicate.full_name,
            "survivor_name": survivor.full_name,
            "moved": {k: len(v["ids"]) for k, v in moved.items()},
            "kept": kept,
            "took from the merged record": sorted(take),
        }
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=survivor, request=request, detail=detail)
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=duplicate, request=request, detail=detail)
    return merge


def person_merge_undo(*, actor: User, merge: MergeRecord, request: HttpRequest | None = None) -> None:
    survivor, duplicate = merge.survivor, merge.duplicate
    if merge.undone_at:
        raise ValidationError("This merge has already been undone.")
    if duplicate.merged_into_id != survivor.pk or survivor.merged_into_id:
        raise ValidationError("A later merge involves these records. Undo that one first.")
    models = {model._meta.label_lower: model for model, _ in _moved_relations()}
    with transaction.atomic():
        for label, entry in merge.moved.items():
            model = models[label]
            model.objects.filter(pk__in=entry["ids"], **{entry["field"]: survivor}).update(
                **{entry["field"]: duplicate}
            )
        survivor.topics.remove(*merge.filled.get("__topics__", []))
        for name, previous in merge.filled.items():
            if not name.startswith("__"):
                setattr(survivor, name, previous)
        for entry in merge.filled.get("__primary__", []):
            # The chosen contact went back with the rest; each record's main contact is restored.
            survivor.contacts.filter(kind=entry["kind"]).update(is_primary=False)
            survivor.contacts.filter(pk__in=entry["was"]).update(is_primary=True)
            duplicate.contacts.filter(pk=entry["chosen"]).update(
                is_primary=entry["chosen"] in merge.filled.get("__chosen_was_primary__", [])
            )
        survivor.save()
        duplicate.merged_into = None
        duplicate.save(update_fields=["merged_into", "updated_at"])
        merge.undone_at, merge.undone_by = timezone.now(), actor
        merge.save(update_fields=["undone_at", "undone_by"])
        DuplicateCandidate.objects.filter(
            Q(person_a=survivor, person_b=duplicate) | Q(person_a=duplicate, person_b=survivor)
        ).update(status=DuplicateCandidate.Status.PENDING, reviewed_by=None, reviewed_at=None)
        person_index([survivor, duplicate])
        people_first_attended_refresh([survivor.pk, duplicate.pk])  # their attendance moved
        detail = {"merge undone": str(merge.code)}
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=survivor, request=request, detail=detail)
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=duplicate, request=request, detail=detail)


def candidate_mark_not_same(
    *, actor: User, candidate: DuplicateCandidate, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        candidate.status = DuplicateCandidate.Status.NOT_SAME
        candidate.reviewed_by, candidate.reviewed_at = actor, timezone.now()
        candidate.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=candidate.person_a,
            request=request,
            detail={"not the same as": str(candidate.person_b.code)},
        )
