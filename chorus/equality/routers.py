"""Put equality answers in a database of their own when one is configured.

Set ``CHORUS_EQUALITY_DATABASE_URL`` and the ``equality`` app's table is read, written
and migrated only there, and no other table is created there. Without it everything
shares the default database (the table is still separate and unlinked).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

ALIAS = "equality"
APP = "equality"


def _separate() -> bool:
    return ALIAS in settings.DATABASES


class EqualityRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if model._meta.app_label == APP and _separate():
            return ALIAS
        return None

    db_for_write = db_for_read

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if APP in (obj1._meta.app_label, obj2._meta.app_label) and _separate():
            return bool(obj1._meta.app_label == obj2._meta.app_label)
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if not _separate():
            return None
        return (app_label == APP) == (db == ALIAS)
