"""The authorisation list's index, newest first (`authorisation_started`; docs/third-party-access.md).

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`, concurrently), so the migration
runs outside a transaction; a plain AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("authorisations", "0007_access_claimed_and_reported"),
    ]

    operations = [
        AddIndexOnline(
            model_name="authorisation",
            index=models.Index(fields=["-starts_at", "-id"], name="authorisation_started"),
        ),
    ]
