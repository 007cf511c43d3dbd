"""What an authorisation's events hold of the customer is stored encrypted from now on: the reason they
gave for a change (their own words), the evidence of an instruction given at a branch, and the frozen
receipt, which quotes the reason and the customer's number; so are a third party's contact e-mail and
phone, often a named person's. The rows written before hold them as plain text: they are written again
here through the field, which encrypts them with the key the platform runs with (an empty one too, or
the key check at start-up, `subjects.checks`, would find a value no key reads).

Historical models after the change of field: a plain value reads as itself (the field passes through
what does not decrypt) and one already encrypted reads as its words. Going back writes the words back as
plain text with SQL (the field would encrypt them), before the columns become plain text columns again.

Not atomic, so that the tables are not locked through the whole pass (168 s at 100,000 events when it
was one transaction): each change of column type (varchar to text, no rewrite) commits on its own, then
the rows are encrypted a batch at a time, each batch in its own transaction. A pass stopped half-way is
run again by the next `migrate`: a value already encrypted is recognised (it decrypts) and left alone.
"""

import encrypted_model_fields.fields
from django.db import migrations, models, transaction
from django.db.models.functions import Cast

BATCH = 1000
# (model, columns) of each model's encrypted columns.
COLUMNS = (
    ("AuthorisationEvent", ("evidence", "reason", "receipt")),
    ("ThirdParty", ("contact_email", "contact_phone")),
)


def _rows(rows, column):
    """(pk, words) of `rows`, read through the field in batches."""
    return rows.order_by("pk").values_list("pk", column).iterator(chunk_size=BATCH)


def _stored_batches(rows, column):
    """Lists of (pk, stored text) of `rows`, BATCH at a time in order of pk: the text as the column holds
    it (ciphertext or plain), not read through the field. Each batch is read after the one before has
    been committed, so no cursor stays open across transactions."""
    rows = rows.annotate(stored=Cast(column, models.TextField())).order_by("pk")
    last = None
    while True:
        batch = list((rows if last is None else rows.filter(pk__gt=last)).values_list("pk", "stored")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def words_encrypt(apps, schema_editor):
    for name, columns in COLUMNS:
        model = apps.get_model("authorisations", name)
        for column in columns:
            field = model._meta.get_field(column)
            # The look-up compares the stored text: the empty ones, all in one statement.
            model.objects.filter(**{column: ""}).update(**{column: ""})
            for batch in _stored_batches(model.objects.exclude(**{column: ""}), column):
                with transaction.atomic(using=model.objects.db):
                    for pk, stored in batch:
                        words = field.to_python(stored)
                        if words != stored:
                            continue  # it decrypts: encrypted by an earlier, interrupted pass
                        # One statement a row: `bulk_update` would hand the field its CASE expression to encrypt.
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
    atomic = False  # see the module's docstring: no lock on the tables held through the pass

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
