"""The erase tasks of ended legal holds still open from before they had a deadline get one: 30 days
after the task was given, the longest period Law 91 gives a deletion, so the sweep chases them (one
long open is breached at the next sweep and the DPO told). Written with the models as they stand here."""

from datetime import timedelta

from django.db import migrations
from django.db.models import F

# The longest deletion period of the default policy (Law 91/2025/QH15: 30 days).
ERASE_PERIOD = timedelta(days=30)


def date_the_open_erase_tasks(apps, schema_editor):
    task = apps.get_model("dsr", "FulfilmentTask")
    task.objects.filter(hold__isnull=False, status="open", due_at__isnull=True).update(
        due_at=F("created_at") + ERASE_PERIOD
    )


class Migration(migrations.Migration):
    dependencies = [("dsr", "0019_erase_task_due_at")]

    operations = [migrations.RunPython(date_the_open_erase_tasks, migrations.RunPython.noop)]
