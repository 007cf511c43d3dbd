"""When the code an authorisation's approval issued was exchanged (`Authorisation.code_spent_at`), so that a
code whose grant is gone is a spent code presented again only if it was exchanged, not an expired one the
nightly purge deleted unused.

The live authorisations that already carry a code's fingerprint are marked spent: which of their codes
were exchanged was not recorded, and a spent code presented again must still end its tokens (RFC 6749
4.1.2). A code among them still pending is exchanged or refused as before (its grant is there); only one
that expires unused and is purged keeps the old answer, a replay. New codes are marked when exchanged.
"""

from django.db import migrations, models
from django.utils import timezone


def mark_issued_codes_spent(apps, schema_editor):
    Authorisation = apps.get_model("authorisations", "Authorisation")
    Authorisation.objects.filter(status__in=["active", "paused"], code_fingerprint__isnull=False).update(
        code_spent_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("authorisations", "0010_code_fingerprint"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorisation",
            name="code_spent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_issued_codes_spent, migrations.RunPython.noop, elidable=True),
    ]
