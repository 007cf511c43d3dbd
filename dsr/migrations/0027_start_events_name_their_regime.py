"""Clock events name the regime of their statutory date (`RequestClockEvent.statutory_regime`, dsr 0026).
A clock's start recorded before wrote that regime as its note; such an event is given it, so the
request's timeline, the API and the proof bundle name the law of every start alike. The note stays as
written. One UPDATE on the start events whose note is a regime code; going back leaves them (no-op):
dsr 0026 going back drops the column.
"""

from django.db import migrations
from django.db.models import F

# The regimes' codes when this migration was made (`deadlines.models.DeadlineRegime`).
REGIMES = ["bank", "vn_law91", "vn_decree13", "eu_gdpr", "cn_pipl"]
STARTED = "started"


def start_events_name_their_regime(apps, schema_editor):
    ClockEvent = apps.get_model("dsr", "RequestClockEvent")
    ClockEvent.objects.filter(kind=STARTED, statutory_regime="", note__in=REGIMES).update(
        statutory_regime=F("note")
    )


class Migration(migrations.Migration):

    dependencies = [
        ("dsr", "0026_clock_event_regime"),
    ]

    operations = [migrations.RunPython(start_events_name_their_regime, migrations.RunPython.noop)]
