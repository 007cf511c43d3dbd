"""Indexes for the consent and duty lists and the expiry sweep (docs/consents.md, "Indexes"): the consent
list newest first (`consent_granted`), the live consents past their expiry (`consent_expiry_due`), the
duty list by due time (`duty_due`) and the latest acknowledged duties (`duty_acknowledged_latest`).

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`, concurrently), so the migration
runs outside a transaction; a plain AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consents", "0008_imported_event_reasons_encrypted"),
    ]

    operations = [
        AddIndexOnline(
            model_name="consent",
            index=models.Index(fields=["-granted_at", "-id"], name="consent_granted"),
        ),
        AddIndexOnline(
            model_name="consent",
            index=models.Index(
                condition=models.Q(("expires_at__isnull", False), ("status", "granted")),
                fields=["expires_at"],
                name="consent_expiry_due",
            ),
        ),
        AddIndexOnline(
            model_name="withdrawalduty",
            index=models.Index(fields=["due_at", "id"], name="duty_due"),
        ),
        AddIndexOnline(
            model_name="withdrawalduty",
            index=models.Index(
                condition=models.Q(("status", "acknowledged")),
                fields=["-acknowledged_at", "due_at", "id"],
                name="duty_acknowledged_latest",
            ),
        ),
    ]
