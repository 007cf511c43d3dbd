"""Decree 13/2023 Art. 23 counts a breach's 72 hours from the violation ("chậm nhất 72 giờ sau khi xảy ra
hành vi vi phạm"), not from its detection as Law 91 does: its breach-notification row starts its clock
when the breach occurred. The column is new (deadlines 0003), so no row can have been edited yet.
"""

from django.db import migrations

ROW = {"regime": "vn_decree13", "request_type": "breach_notification"}


def clock_from_the_violation(apps, schema_editor):
    apps.get_model("deadlines", "DeadlinePolicy").objects.filter(**ROW).update(clock_start="occurred")


def clock_from_the_detection(apps, schema_editor):
    apps.get_model("deadlines", "DeadlinePolicy").objects.filter(**ROW).update(clock_start="received")


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0003_deadlinepolicy_clock_start"),
        ("regulator", "0003_breach_statutory_regime"),
    ]

    operations = [migrations.RunPython(clock_from_the_violation, clock_from_the_detection)]
