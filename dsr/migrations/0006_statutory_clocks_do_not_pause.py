"""Law 91/2025/QH15 and Decree 356/2025 (and Decree 13 before them) have a one-time extension and no
pause: the seeded statutory rows were written pausable, so waiting for the customer moved the law's
deadline. Only the bank's own rows may pause."""

from django.db import migrations

STATUTORY_REGIMES = ("vn_law91", "vn_decree13")


def forwards(apps, schema_editor):
    DeadlinePolicy = apps.get_model("core", "DeadlinePolicy")
    DeadlinePolicy.objects.filter(regime__in=STATUTORY_REGIMES, pausable=True).update(pausable=False)


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0005_open_by_statutory_due"),
        ("core", "0008_subject_relationship_end_and_adult_check"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
