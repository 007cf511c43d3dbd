"""Staff's words that may name a customer's data are stored encrypted from now on: a fulfilment task's
note (what was found or deleted in a system) and a request's reason for the delay. The rows written
before hold them as plain text: they are written again here through the field, which encrypts them
with the key the platform runs with (an empty one too, or the key check at start-up, `subjects.checks`,
would find a value no key reads).

Historical models after the change of field: a plain value reads as itself (the field passes through
what does not decrypt) and one already encrypted reads as its words, so the pass can run again.
Going back writes the words back as plain text with SQL (the field would encrypt them), before the
columns become plain text columns again.
"""

import encrypted_model_fields.fields
from django.db import migrations

BATCH = 1000
# (model, column) of each encrypted column.
COLUMNS = (("DataSubjectRequest", "overdue_reason"), ("FulfilmentTask", "note"))


def _rows(rows, column):
    """(pk, words) of `rows`, read through the field in batches."""
    return rows.order_by("pk").values_list("pk", column).iterator(chunk_size=BATCH)


def staff_notes_encrypt(apps, schema_editor):
    for name, column in COLUMNS:
        model = apps.get_model("dsr", name)
        # The look-up compares the stored text: the empty ones, all in one statement.
        model.objects.filter(**{column: ""}).update(**{column: ""})
        # One statement a row: `bulk_update` would hand the field its CASE expression to encrypt.
        for pk, words in _rows(model.objects.exclude(**{column: ""}), column):
            model.objects.filter(pk=pk).update(**{column: words})


def staff_notes_decrypt(apps, schema_editor):
    connection = schema_editor.connection
    for name, column in COLUMNS:
        model = apps.get_model("dsr", name)
        table = connection.ops.quote_name(model._meta.db_table)
        key = model._meta.pk
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE {key.column} = %s",  # noqa: S608
                [(words, key.get_db_prep_value(pk, connection)) for pk, words in _rows(model.objects, column)],
            )


class Migration(migrations.Migration):

    dependencies = [
        ("dsr", "0011_paused_per_clock"),
    ]
    # Plain text until this runs: the key check at start-up (`subjects.checks`) leaves them alone till then.
    encrypts = (("dsr_datasubjectrequest", "overdue_reason"), ("dsr_fulfilmenttask", "note"))

    operations = [
        migrations.AlterField(
            model_name="datasubjectrequest",
            name="overdue_reason",
            field=encrypted_model_fields.fields.EncryptedTextField(blank=True, verbose_name="reason for the delay"),
        ),
        migrations.AlterField(
            model_name="fulfilmenttask",
            name="note",
            field=encrypted_model_fields.fields.EncryptedTextField(blank=True, verbose_name="note"),
        ),
        migrations.RunPython(staff_notes_encrypt, staff_notes_decrypt, elidable=True),
    ]
