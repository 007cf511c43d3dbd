"""Announcements the job keeps failing (docs/regulator.md, "Notice-change announcements"): the failures in
a row, the last one's summary and time, the next attempt, and the two "needs attention" statuses a step
is parked in. Existing announcements start with no failure behind them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("consents", "0006_rectification_notice_source"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="noticeannouncement",
            name="announcement_sent_has_time",
        ),
        migrations.AddField(
            model_name="noticeannouncement",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="failed attempts"),
        ),
        migrations.AddField(
            model_name="noticeannouncement",
            name="last_error",
            field=models.CharField(blank=True, max_length=200, verbose_name="last error"),
        ),
        migrations.AddField(
            model_name="noticeannouncement",
            name="last_failed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last failed"),
        ),
        migrations.AddField(
            model_name="noticeannouncement",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next attempt"),
        ),
        migrations.AlterField(
            model_name="noticeannouncement",
            name="status",
            field=models.CharField(
                choices=[
                    ("scheduled", "Scheduled"),
                    ("sent", "Sent to customers"),
                    ("asked", "Fresh consent asked"),
                    ("done", "Complete"),
                    ("send_failed", "Not sent: needs attention"),
                    ("ask_failed", "Fresh consent not asked: needs attention"),
                ],
                default="scheduled",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="noticeannouncement",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["scheduled", "send_failed"]), ("sent_at__isnull", False),
                                   _connector="OR"),
                name="announcement_sent_has_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticeannouncement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["send_failed", "ask_failed"]), _negated=True),
                    ("last_failed_at__isnull", False),
                    _connector="OR",
                ),
                name="announcement_parked_has_failed",
            ),
        ),
    ]
