"""A campaign's changes since it checked its list (`consent_check_changes`): the current-state rows of
one purpose rewritten since a moment, and those whose term ran out since.

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`: concurrently), so the
migration runs outside a transaction; a plain AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consents", "0026_purpose_change_stops"),
    ]

    operations = [
        AddIndexOnline(
            model_name="consentstate",
            index=models.Index(fields=["purpose", "updated_at"], name="consent_state_changed"),
        ),
        AddIndexOnline(
            model_name="consentstate",
            index=models.Index(fields=["purpose", "expires_at"], name="consent_state_expiry"),
        ),
    ]
