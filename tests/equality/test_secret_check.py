"""A changed CHORUS_EQUALITY_SECRET is caught before it cuts answers off from their responses."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from chorus.equality.checks import equality_secret_unchanged
from chorus.equality.models import SecretCheck

pytestmark = pytest.mark.django_db(databases="__all__")


def _databases() -> list[str]:
    from django.conf import settings

    return list(settings.DATABASES)


@pytest.fixture(autouse=True)
def recorded() -> None:
    # The migration records the secret in use; a test that flushed the database removes it.
    from chorus.equality.services import secret_changed

    secret_changed()


def test_the_secret_the_database_was_made_with_passes() -> None:
    assert SecretCheck.objects.count() == 1
    assert equality_secret_unchanged(databases=_databases()) == []


def test_the_migration_records_the_secret_in_use() -> None:
    import importlib
    import types

    from django.apps import apps
    from django.db import connections, router

    migration = importlib.import_module("chorus.equality.migrations.0003_secretcheck")
    SecretCheck.objects.all().delete()
    alias = router.db_for_write(SecretCheck) or "default"
    # The migration only asks the schema editor which database it is migrating.
    migration.record_fingerprint(apps, types.SimpleNamespace(connection=connections[alias]))
    assert equality_secret_unchanged(databases=_databases()) == []
    assert SecretCheck.objects.count() == 1


def test_another_secret_is_refused_with_what_to_do(settings) -> None:
    settings.CHORUS_EQUALITY_SECRET = "a-different-secret-altogether-0123456789"
    errors = equality_secret_unchanged(databases=_databases())
    assert [e.id for e in errors] == ["chorus.E001"]
    assert "Set CHORUS_EQUALITY_SECRET back" in errors[0].hint
    with pytest.raises(SystemCheckError, match="CHORUS_EQUALITY_SECRET"):
        call_command("check", databases=_databases())


def test_a_database_without_a_fingerprint_records_the_current_secret() -> None:
    SecretCheck.objects.all().delete()
    assert equality_secret_unchanged(databases=_databases()) == []
    assert SecretCheck.objects.count() == 1
