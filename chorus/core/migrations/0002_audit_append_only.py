"""Make the audit log refuse UPDATE at the database, for raw SQL too."""

from django.db import migrations


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION core_auditentry_refuse_update() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'Audit entries cannot be changed';
            END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
                FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse_update();
            """
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            """
            CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
            BEGIN
                SELECT RAISE(ABORT, 'Audit entries cannot be changed');
            END;
            """
        )


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS core_auditentry_no_update ON core_auditentry;"
            "DROP FUNCTION IF EXISTS core_auditentry_refuse_update();"
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update;")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(add_trigger, remove_trigger),
    ]
