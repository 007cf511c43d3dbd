"""Requests closed before a closing recorded its missed deadlines: those whose every missed deadline is on
the register (or that missed none) are marked; the sweep records the others' and marks them."""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from dsr.clock_sources import closings_settle

CHUNK = 1000


def mark_the_settled_closings(apps, schema_editor):
    # `closings_settle` reads and writes only the columns this migration knows, the register included.
    request = apps.get_model("dsr", "DataSubjectRequest")
    closed = request.objects.filter(closed_at__isnull=False).order_by("pk").values_list("pk", flat=True)
    ids = list(closed)
    now = timezone.now()
    for start in range(0, len(ids), CHUNK):
        closings_settle(ids[start : start + CHUNK], now)


class Migration(migrations.Migration):

    dependencies = [
        ('dsr', '0014_identity_document_passport'),
        ('deadlines', '0003_deadlinepolicy_clock_start'),
        ('subjects', '0003_customer_numbers_in_upper_case'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='datasubjectrequest',
            name='missed_recorded_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='datasubjectrequest',
            index=models.Index(condition=models.Q(('closed_at__isnull', False), ('missed_recorded_at__isnull', True)), fields=['closed_at'], name='dsr_closed_unrecorded'),
        ),
        migrations.RunPython(mark_the_settled_closings, migrations.RunPython.noop),
    ]
