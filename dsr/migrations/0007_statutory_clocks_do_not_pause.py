"""Law 91/2025/QH15 and Decree 356/2025 (and Decree 13 before them) have a one-time extension and no
pause: the seeded statutory rows were written pausable, so waiting for the customer moved the law's
deadline. Only the bank's own rows may pause."""

from django.db import migrations

STATUTORY_REGIMES = ("vn_law91", "vn_decree13")


def forwards(apps, schema_editor):
    DeadlinePolicy = apps.get_model("deadlines", "DeadlinePolicy")
    DeadlinePolicy.objects.filter(regime__in=STATUTORY_REGIMES, pausable=True).update(pausable=False)


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0006_subject_model_moved"),
        ("deadlines", "0001_moved_from_core"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
