"""Full-text search over analysed responses: FTS5 on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE analysis_item_fts USING fts5(redacted, content='analysis_item', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER analysis_item_fts_insert AFTER INSERT ON analysis_item BEGIN "
    "INSERT INTO analysis_item_fts(rowid, redacted) VALUES (new.id, new.redacted); END",
    "CREATE TRIGGER analysis_item_fts_delete AFTER DELETE ON analysis_item BEGIN "
    "INSERT INTO analysis_item_fts(analysis_item_fts, rowid, redacted) VALUES ('delete', old.id, old.redacted); END",
    "CREATE TRIGGER analysis_item_fts_update AFTER UPDATE OF redacted ON analysis_item BEGIN "
    "INSERT INTO analysis_item_fts(analysis_item_fts, rowid, redacted) VALUES ('delete', old.id, old.redacted); "
    "INSERT INTO analysis_item_fts(rowid, redacted) VALUES (new.id, new.redacted); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS analysis_item_fts_insert",
    "DROP TRIGGER IF EXISTS analysis_item_fts_delete",
    "DROP TRIGGER IF EXISTS analysis_item_fts_update",
    "DROP TABLE IF EXISTS analysis_item_fts",
]
POSTGRES = ["CREATE INDEX analysis_item_search ON analysis_item USING GIN (to_tsvector('english', redacted))"]
POSTGRES_UNDO = ["DROP INDEX IF EXISTS analysis_item_search"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
