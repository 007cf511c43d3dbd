"""Notifications keep only the indexes a query uses (issue #16): each is upkeep on every message
written, 10,000 at once in an expiry sweep.

- `subject` alone goes: `notification_by_subject` (subject, -created_at) answers every look-up by it.
- PostgreSQL's pattern index on `dedupe_key` goes: keys are looked up whole, on the unique index.
"""

import django.db.models.deletion
from django.db import migrations, models

from core.schema import sql_by_vendor

SUBJECT = "notifications_notification_subject_id_b872f1e0"
KEY_PATTERN = "notifications_notification_dedupe_key_f195c156_like"
FORWARD = {"postgresql": [f"DROP INDEX {SUBJECT}", f"DROP INDEX {KEY_PATTERN}"], "sqlite": [f"DROP INDEX {SUBJECT}"]}
BACKWARD = {
    "postgresql": [
        f"CREATE INDEX {KEY_PATTERN} ON notifications_notification (dedupe_key varchar_pattern_ops)",
        f"CREATE INDEX {SUBJECT} ON notifications_notification (subject_id)",
    ],
    "sqlite": [f"CREATE INDEX {SUBJECT} ON notifications_notification (subject_id)"],
}


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_squashed")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    "notification",
                    "subject",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="subjects.datasubject",
                    ),
                ),
            ],
            database_operations=[sql_by_vendor(FORWARD, BACKWARD)],
        )
    ]
