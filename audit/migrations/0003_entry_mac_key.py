"""Entries carry the id of the key that sealed them (empty for those sealed before the keyed MAC).

The guards: SQLite now refuses DELETE as well as UPDATE (and its table rebuild for the new column
drops the UPDATE trigger, so it is put back); on both databases the head row cannot move back.
"""
from django.db import migrations, models

from audit import guards


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(guards.PG_HEAD_NO_REWIND, params=None)
    elif vendor == "sqlite":
        for statement in (guards.SQLITE_NO_UPDATE, guards.SQLITE_NO_DELETE, guards.SQLITE_HEAD_NO_REWIND):
            schema_editor.execute(statement)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_head_no_rewind ON audit_auditchainhead; "
            "DROP FUNCTION IF EXISTS audit_head_no_rewind();",
            params=None,
        )
    elif vendor == "sqlite":
        schema_editor.execute(guards.SQLITE_DROP_NO_DELETE)
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_head_no_rewind;")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='mac_key_id',
            field=models.CharField(blank=True, default='', max_length=16),
        ),
        migrations.RunPython(install, remove),
    ]
