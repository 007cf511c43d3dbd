"""Add the breach-notification (72 h) and impact-assessment (60 days) rows to the deadline policy."""

from django.db import migrations


def forwards(apps, schema_editor):
    from regulator.policy import seed_regulator_policies

    seed_regulator_policies(apps.get_model("core", "DeadlinePolicy"))


def backwards(apps, schema_editor):
    from regulator.policy import REQUEST_TYPES

    apps.get_model("core", "DeadlinePolicy").objects.filter(request_type__in=REQUEST_TYPES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("regulator", "0001_initial"),
        ("core", "0004_deadline_policy_defaults"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
