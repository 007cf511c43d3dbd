"""When a contact change was settled, so the purge counts its week from then, not from creation.

Changes settled before this field have no record of the moment: a confirmed one takes its
`confirmed_at`; any other its `expires_at`, when its code stopped working (one refused earlier is
kept minutes longer; one replaced or found expired days later goes that much sooner)."""

from django.db import migrations, models
from django.db.models.functions import Coalesce


def date_the_settled_changes(apps, schema_editor):
    change = apps.get_model("dsr", "ContactChange")
    change.objects.exclude(status="pending").filter(settled_at__isnull=True).update(
        settled_at=Coalesce("confirmed_at", "expires_at")
    )


class Migration(migrations.Migration):
    dependencies = [("dsr", "0021_identity_seen_at_branch")]

    operations = [
        migrations.AddField(
            model_name="contactchange",
            name="settled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(date_the_settled_changes, migrations.RunPython.noop),
    ]
