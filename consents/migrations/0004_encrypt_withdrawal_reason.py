"""Withdrawal reasons become encrypted at rest, and the reasons already on file are encrypted.

Rows are read through the encrypted field, which hands back plain text it cannot decrypt, and
written back through it, which encrypts; the way back writes plain text with SQL, beneath the field,
so that the previous code can read it again."""

import encrypted_model_fields.fields
from django.db import migrations

BATCH = 1000


def encrypt_reasons(apps, schema_editor):
    ConsentEvent = apps.get_model("consents", "ConsentEvent")
    rows = ConsentEvent.objects.using(schema_editor.connection.alias).exclude(reason="")
    for pk, reason in rows.values_list("pk", "reason").iterator(chunk_size=BATCH):
        ConsentEvent.objects.using(schema_editor.connection.alias).filter(pk=pk).update(reason=reason)


def decrypt_reasons(apps, schema_editor):
    ConsentEvent = apps.get_model("consents", "ConsentEvent")
    connection = schema_editor.connection
    pk_field = ConsentEvent._meta.pk
    rows = ConsentEvent.objects.using(connection.alias).exclude(reason="")
    with connection.cursor() as cursor:
        for pk, reason in rows.values_list("pk", "reason").iterator(chunk_size=BATCH):
            cursor.execute(
                f"UPDATE {ConsentEvent._meta.db_table} SET reason = %s WHERE id = %s",  # noqa: S608 (model's table)
                [reason, pk_field.get_db_prep_value(pk, connection)],
            )


class Migration(migrations.Migration):

    dependencies = [
        ("consents", "0003_subject_model_moved"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consentevent",
            name="reason",
            field=encrypted_model_fields.fields.EncryptedCharField(blank=True),
        ),
        migrations.RunPython(encrypt_reasons, decrypt_reasons),
    ]
