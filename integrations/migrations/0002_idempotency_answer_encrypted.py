"""Idempotency answers are encrypted and name the customer they are about (issue #15, finding 1).

The plaintext JSON column is copied into a new encrypted column, then replaced by it. Claims without
an answer are dropped: under the old design they were keys stuck after a failed transaction
(issue #19), and no attempt can still be running across a migration.
"""
import json

import encrypted_model_fields.fields
from django.db import migrations, models


def encrypt_answers(apps, schema_editor):
    IdempotencyRecord = apps.get_model("integrations", "IdempotencyRecord")
    IdempotencyRecord.objects.filter(response_status__isnull=True).delete()
    for record in IdempotencyRecord.objects.only("pk", "response_body").iterator(chunk_size=500):
        record.answer = json.dumps(record.response_body)
        record.save(update_fields=["answer"])


class Migration(migrations.Migration):

    dependencies = [
        ("integrations", "0001_moved_from_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="idempotencyrecord",
            name="answer",
            field=encrypted_model_fields.fields.EncryptedTextField(null=True),
        ),
        migrations.RunPython(encrypt_answers, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="idempotencyrecord", name="response_body"),
        migrations.RenameField(model_name="idempotencyrecord", old_name="answer", new_name="response_body"),
        migrations.AddField(
            model_name="idempotencyrecord",
            name="subject_id",
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
    ]
