"""A consent import's withdrawal rows: the event's import key (looked up by a partial index built without
locking writes, `core.schema.AddIndexOnline`, so the migration runs outside a transaction), and the run's
count of withdrawals and its notes per line."""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consents", "0022_duty_confirmation_reference"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentevent",
            name="import_key",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        AddIndexOnline(
            model_name="consentevent",
            index=models.Index(
                condition=models.Q(("import_key__isnull", False)), fields=["import_key"], name="consent_event_import_key"
            ),
        ),
        migrations.AddField(
            model_name="consentimport",
            name="notes",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="consentimport",
            name="withdrawals_recorded",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
