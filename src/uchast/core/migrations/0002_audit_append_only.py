"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit log, so not even a
bug in our code, or an operator with a SQL shell who forgets, can rewrite history silently."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION uchast_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION uchast_audit_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS uchast_audit_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END;
"""
SQLITE_FORWARD_DELETE = """
CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END;
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
        schema_editor.execute(SQLITE_FORWARD_DELETE)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
