"""Refuse to run with an equality secret other than the one the answers were sealed with."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import ConnectionHandler


@register(Tags.database)
def equality_secret_unchanged(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    from django.db import connections, router

    from chorus.equality.models import SecretCheck
    from chorus.equality.services import secret_changed

    alias = router.db_for_read(SecretCheck) or "default"
    if not databases or alias not in databases or not _migrated(connections, alias):
        return []
    try:
        changed = secret_changed()
    except DatabaseError:
        return []  # the database is not there yet; migrate will say so
    if not changed:
        return []
    return [
        Error(
            "CHORUS_EQUALITY_SECRET is not the secret the stored equality answers were sealed with.",
            hint=(
                "Set CHORUS_EQUALITY_SECRET back to the value it had (see docs/deploying.md). With another "
                "secret, answers already given can no longer be deleted when someone asks or analysed."
            ),
            obj=SecretCheck,
            id="chorus.E001",
        )
    ]


def _migrated(connections: ConnectionHandler, alias: str) -> bool:
    executor = MigrationExecutor(connections[alias])
    return ("equality", "0003_secretcheck") in executor.loader.applied_migrations
