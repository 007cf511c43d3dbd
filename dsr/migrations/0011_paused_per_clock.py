"""The time each clock was paused, apart (docs/requests.md, "Pauses"): `bank_paused_seconds` and
`statutory_paused_seconds` move the bank's and the statutory deadline, `paused_seconds` stays the whole
time spent awaiting the customer.

Existing requests start with both equal to `paused_seconds`: right for every past pause begun in time.
A past pause begun after a deadline keeps the credit it was given then (those dates had already moved
and a date is never brought forward); only pauses that end from now on are counted per clock.
"""

from django.db import migrations, models
from django.db.models import F


def copy_paused_seconds(apps, schema_editor):
    DataSubjectRequest = apps.get_model("dsr", "DataSubjectRequest")
    DataSubjectRequest.objects.filter(paused_seconds__gt=0).update(
        bank_paused_seconds=F("paused_seconds"), statutory_paused_seconds=F("paused_seconds")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0010_report_acknowledged_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasubjectrequest",
            name="bank_paused_seconds",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="datasubjectrequest",
            name="statutory_paused_seconds",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(copy_paused_seconds, migrations.RunPython.noop, elidable=True),
    ]
