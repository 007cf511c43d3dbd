"""Default deadline policy and the Vietnamese working-day calendar 2025–2027 (see core.deadline_defaults)."""
from django.db import migrations

from deadlines.defaults import seed_deadline_defaults


def seed(apps, schema_editor):
    seed_deadline_defaults(apps.get_model("core", "DeadlinePolicy"), apps.get_model("core", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_deadline_policy")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
