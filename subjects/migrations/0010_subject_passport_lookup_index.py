"""The look-up by passport (`subjects.selectors.subject_search`, `POST /api/v1/subjects/search/`) on an
index. Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`: concurrently), so the
migration runs outside a transaction; a plain AddIndex elsewhere."""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("subjects", "0009_subject_passport_number_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="datasubject",
            index=models.Index(fields=["passport_number_index"], name="subject_passport_lookup"),
        ),
    ]
