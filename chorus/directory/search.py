"""Typo-tolerant directory search that runs the same on SQLite and PostgreSQL.

Each person's names, other names, emails, phones, postcode and organisations are
split into words and stored in ``SearchToken`` (an inverted index kept current by
the services). A query word matches a person's word exactly, as a prefix, or
within one typo (a wrong, missing, extra or swapped letter; two for long words)
of a word in the vocabulary. Every query word must match. Exact matches rank first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from rapidfuzz import process
from rapidfuzz.distance import OSA

from chorus.directory.models import ContactPoint, Membership, Person, SearchToken
from chorus.directory.normalise import words

# Every distinct typo-matchable word by length, and the highest SearchToken id read
# into it. Each query reads only the words added since, so it is always current.
_vocabulary: tuple[int, dict[int, list[str]], set[str]] = (0, {}, set())


def person_words(person: Person, organisation_names: Iterable[str], contacts: Iterable[str]) -> list[str]:
    parts = [
        person.first_name,
        person.last_name,
        person.other_names,
        person.postcode,
        *organisation_names,
        *contacts,
    ]
    seen: dict[str, None] = {}
    for part in parts:
        for word in words(part or ""):
            if len(word) <= 60:
                seen[word] = None
            if "@" in word:
                local, _, domain = word.partition("@")
                for piece in (local, domain, *local.split(".")):
                    if piece:
                        seen[piece[:60]] = None
    return list(seen)


# SearchToken.Meta.db_table names the table explicitly, so this stays right.
_INSERT_TOKENS = "INSERT INTO directory_searchtoken (person_id, token) VALUES (%s, %s)"


def person_index(people: Iterable[Person]) -> None:
    """Rebuild the search words of ``people`` (after a create, change, merge or erasure)."""
    people = list({p.pk: p for p in people}.values())
    ids = [p.pk for p in people]
    organisations: dict[int, list[str]] = {pid: [] for pid in ids}
    for person_id, name in Membership.objects.filter(person_id__in=ids).values_list(
        "person_id", "organisation__name"
    ):
        organisations[person_id].append(name)
    contacts: dict[int, list[str]] = {pid: [] for pid in ids}
    for person_id, value in ContactPoint.objects.filter(person_id__in=ids).values_list("person_id", "value"):
        contacts[person_id].append(value)
    SearchToken.objects.filter(person_id__in=ids).delete()
    rows: list[tuple[int, str]] = []
    for person in people:
        if not (person.erased_at or person.merged_into_id):
            rows.extend(
                (person.pk, word)
                for word in person_words(person, organisations[person.pk], contacts[person.pk])
            )
    # Plain parameterised SQL: building a model instance for each of hundreds of
    # thousands of words is most of the cost of indexing a large import.
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(_INSERT_TOKENS, rows[start : start + 5000])


def _typo_candidate(token: str) -> bool:
    """Names and organisation words, not email addresses, numbers or codes."""
    return token.isalpha()


def vocabulary_forget() -> None:
    """Read the typo vocabulary afresh on the next query (after a restore or a rolled-back
    transaction reused SearchToken ids: the incremental read cannot notice either)."""
    global _vocabulary
    _vocabulary = (0, {}, set())


def _vocabulary_words() -> dict[int, list[str]]:
    """Typo-matchable words by length, read incrementally so they are always current."""
    global _vocabulary
    read_to, by_length, known = _vocabulary
    newest = SearchToken.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if newest < read_to:
        # The index was rebuilt from scratch (tests, a restore): start again.
        read_to, by_length, known = 0, {}, set()
    if newest > read_to:
        for token in SearchToken.objects.filter(id__gt=read_to).values_list("token", flat=True).distinct():
            if token not in known and _typo_candidate(token):
                known.add(token)
                by_length.setdefault(len(token), []).append(token)
        _vocabulary = (newest, by_length, known)
    return by_length


def _typo_variants(word: str) -> list[str]:
    if len(word) < 4 or not word.isalpha():
        return []
    allowed = 1 if len(word) < 8 else 2
    by_length = _vocabulary_words()
    nearby = [
        token
        for size in range(len(word) - allowed, len(word) + allowed + 1)
        for token in by_length.get(size, ())
    ]
    matches = process.extract(word, nearby, scorer=OSA.distance, score_cutoff=allowed, limit=50)
    return [match for match, _score, _index in matches]


def _starts_with(word: str) -> Q:
    # A range rather than LIKE 'word%', so that both SQLite and PostgreSQL use the index.
    return Q(token__gte=word, token__lt=word + "\uffff")


def search_people(queryset: QuerySet[Person], query: str) -> QuerySet[Person]:
    """People in ``queryset`` matching every word of ``query``, exact matches first."""
    query_words = words(query)[:8]
    if not query_words:
        return queryset
    exact = []
    for word in query_words:
        condition = _starts_with(word) if len(word) >= 2 else Q(token=word)
        variants = _typo_variants(word)
        if variants:
            condition |= Q(token__in=variants)
        queryset = queryset.filter(pk__in=SearchToken.objects.filter(condition).values("person_id"))
        exact.append(word)
    score = (
        SearchToken.objects.filter(person_id=OuterRef("pk"), token__in=exact)
        .values("person_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(
        exact_words=Coalesce(Subquery(score, output_field=IntegerField()), Value(0))
    ).order_by("-exact_words", "last_name", "first_name")
