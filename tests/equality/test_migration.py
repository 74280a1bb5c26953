"""Upgrading seals the keys already stored and releases the records already counted."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chorus.equality.services import equality_counts, equality_remove, sealed

BEFORE = [("equality", "0001_initial")]
AFTER = [("equality", "0002_sealed_keys_and_releases")]


@pytest.mark.django_db(transaction=True)
def test_existing_keys_are_sealed_and_deletion_on_request_still_works() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("equality", "EqualityRecord")
    asked_for = uuid.uuid4()
    keys = [uuid.uuid4() for _i in range(12)]
    for key in keys:
        old.objects.create(key=key, asked_for=asked_for, submitted=True, sex="female")
    draft = uuid.uuid4()
    old.objects.create(key=draft, asked_for=asked_for, submitted=False, sex="male")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    from chorus.equality.models import EqualityRecord, EqualityRelease

    stored = set(EqualityRecord.objects.values_list("key", flat=True))
    assert not stored & {*keys, draft}  # no key is left as the response holds it
    assert stored == {sealed(key) for key in [*keys, draft]}
    assert EqualityRecord.objects.filter(release=1).count() == 12  # the draft waits
    assert EqualityRelease.objects.get(asked_for=asked_for).records == 12
    people, _tables = equality_counts(asked_for)
    assert people == 10  # 12, rounded to the nearest 5
    # The link on a receipt, made before the upgrade, still deletes that person's answers.
    assert equality_remove(keys[0])
    assert not EqualityRecord.objects.filter(key=sealed(keys[0])).exists()
