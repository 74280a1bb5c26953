"""Let the audit log's trigger allow one change: redacting an erased record's name."""

from django.db import migrations

REDACTED = "Erased record"


def replace_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION core_auditentry_refuse_update() RETURNS trigger AS $$
            BEGIN
                IF NEW.object_repr = 'Erased record'
                   AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
                   AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.actor_label = OLD.actor_label
                   AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
                   AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address AND NEW.detail = OLD.detail THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'Audit entries cannot be changed';
            END;
            $$ LANGUAGE plpgsql;
            """
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update;")
        schema_editor.execute(
            """
            CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
            WHEN NOT (
                NEW.object_repr = 'Erased record'
                AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
                AND NEW.actor_id IS OLD.actor_id AND NEW.actor_label = OLD.actor_label
                AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
                AND NEW.ip_address IS OLD.ip_address AND NEW.detail = OLD.detail
            )
            BEGIN
                SELECT RAISE(ABORT, 'Audit entries cannot be changed');
            END;
            """
        )


def restore_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION core_auditentry_refuse_update() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'Audit entries cannot be changed';
            END;
            $$ LANGUAGE plpgsql;
            """
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update;")
        schema_editor.execute(
            """
            CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
            BEGIN
                SELECT RAISE(ABORT, 'Audit entries cannot be changed');
            END;
            """
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [migrations.RunPython(replace_trigger, restore_trigger)]
