"""The passport number's blind index, so a foreign national (no citizen ID) is found by their passport, and
filled in for the passports already on record. The keyed hash and the passport's one form are written out
here (Django and the standard library only, tests/migrations.py): `core.keyed.blind_index` over
`subjects.validators.normalize_passport_number` as they stand today.

Not atomic: in one transaction the new column's ACCESS EXCLUSIVE lock (PostgreSQL) would be held while
every customer's passport is decrypted, and no one could read a customer till the end. The column commits
on its own (a constant default: no rewrite), then the records are filled BATCH at a time by primary key,
each batch in its own transaction. A pass stopped half-way is run again by the next `migrate`: the
records already filled are left out."""

import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.db import migrations, models, transaction

BATCH = 500


def passport_one_form(number: str) -> str:
    return "".join(unicodedata.normalize("NFKC", number or "").split()).upper()


def passport_index(one_form: str) -> str:
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), one_form.encode(), hashlib.sha256).hexdigest()


def passport_indexes_fill(apps, schema_editor):
    subject_model = apps.get_model("subjects", "DataSubject")
    # The empty value is stored encrypted too: only the decrypted one tells which records have none.
    unfilled = subject_model.objects.filter(passport_number_index="").only("pk", "passport_number").order_by("pk")
    last = None
    while True:
        # Each batch read after the one before was committed: no cursor stays open across transactions.
        batch = list((unfilled if last is None else unfilled.filter(pk__gt=last))[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        with transaction.atomic(using=subject_model.objects.db):
            for subject in batch:
                if not subject.passport_number:
                    continue
                # A number kept before its one form (with spaces) is stored in it, so that a key rotation,
                # which hashes the stored value, gives the index the look-up computes. Saved row by row:
                # bulk_update would encrypt its CASE expression instead of the value.
                subject.passport_number = passport_one_form(subject.passport_number)
                subject.passport_number_index = passport_index(subject.passport_number)
                subject.save(update_fields=["passport_number", "passport_number_index"])


class Migration(migrations.Migration):
    atomic = False  # see the module's docstring: no lock on the customers held through the pass

    dependencies = [
        ("subjects", "0008_representative"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasubject",
            name="passport_number_index",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(passport_indexes_fill, migrations.RunPython.noop),
    ]
