"""What an authorisation's events hold of the customer is stored encrypted from now on: the reason they
gave for a change (their own words), the evidence of an instruction given at a branch, and the frozen
receipt, which quotes the reason and the customer's number; so are a third party's contact e-mail and
phone, often a named person's. The rows written before hold them as plain text: they are written again
here through the field, which encrypts them with the key the platform runs with (an empty one too, or
the key check at start-up, `subjects.checks`, would find a value no key reads).

Historical models after the change of field: a plain value reads as itself (the field passes through
what does not decrypt) and one already encrypted reads as its words, so the pass can run again. Going
back writes the words back as plain text with SQL (the field would encrypt them), before the columns
become plain text columns again.
"""

import encrypted_model_fields.fields
from django.db import migrations

BATCH = 1000
# (model, columns) of each model's encrypted columns.
COLUMNS = (
    ("AuthorisationEvent", ("evidence", "reason", "receipt")),
    ("ThirdParty", ("contact_email", "contact_phone")),
)


def _rows(rows, column):
    """(pk, words) of `rows`, read through the field in batches."""
    return rows.order_by("pk").values_list("pk", column).iterator(chunk_size=BATCH)


def words_encrypt(apps, schema_editor):
    for name, columns in COLUMNS:
        model = apps.get_model("authorisations", name)
        for column in columns:
            # The look-up compares the stored text: the empty ones, all in one statement.
            model.objects.filter(**{column: ""}).update(**{column: ""})
            # One statement a row: `bulk_update` would hand the field its CASE expression to encrypt.
            for pk, words in _rows(model.objects.exclude(**{column: ""}), column):
                model.objects.filter(pk=pk).update(**{column: words})


def words_decrypt(apps, schema_editor):
    connection = schema_editor.connection
    for name, columns in COLUMNS:
        model = apps.get_model("authorisations", name)
        table = connection.ops.quote_name(model._meta.db_table)
        key = model._meta.pk
        for column in columns:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE {key.column} = %s",  # noqa: S608
                    [(words, key.get_db_prep_value(pk, connection)) for pk, words in _rows(model.objects, column)],
                )


class Migration(migrations.Migration):

    dependencies = [
        ("authorisations", "0008_list_index"),
    ]
    # Plain text until this runs: the key check at start-up (`subjects.checks`) leaves them alone till then.
    encrypts = (
        ("authorisations_authorisationevent", "evidence"),
        ("authorisations_authorisationevent", "reason"),
        ("authorisations_authorisationevent", "receipt"),
        ("authorisations_thirdparty", "contact_email"),
        ("authorisations_thirdparty", "contact_phone"),
    )

    operations = [
        migrations.AlterField(
            model_name="authorisationevent",
            name="evidence",
            field=encrypted_model_fields.fields.EncryptedCharField(blank=True),
        ),
        migrations.AlterField(
            model_name="authorisationevent",
            name="reason",
            field=encrypted_model_fields.fields.EncryptedCharField(blank=True),
        ),
        migrations.AlterField(
            model_name="authorisationevent",
            name="receipt",
            field=encrypted_model_fields.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="thirdparty",
            name="contact_email",
            field=encrypted_model_fields.fields.EncryptedEmailField(verbose_name="contact e-mail"),
        ),
        migrations.AlterField(
            model_name="thirdparty",
            name="contact_phone",
            field=encrypted_model_fields.fields.EncryptedCharField(blank=True, verbose_name="contact phone"),
        ),
        migrations.RunPython(words_encrypt, words_decrypt, elidable=True),
    ]
