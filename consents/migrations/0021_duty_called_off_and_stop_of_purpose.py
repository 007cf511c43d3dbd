"""A restriction's stop can be called off (its request refused or cancelled before the recipient
confirmed), dated `called_off_at`; and a restriction's stop, like a correction, may reach a recipient
through a purpose resting on no consent. Both check constraints only widen: every row the old ones
allowed, the new ones allow, and no row is changed.

Not atomic, so that withdrawals, corrections and erasures go on while it runs: each constraint is
swapped without scanning the table, then validated under a lock that lets writes go on
(`core.schema.ReplaceCheckOnline`); the new column is nullable, added without rewriting the table."""

from django.db import migrations, models

from core.schema import ReplaceCheckOnline


class Migration(migrations.Migration):

    atomic = False  # see the module's docstring

    dependencies = [
        ('consents', '0020_duty_told_and_confirmed'),
    ]

    operations = [
        migrations.AddField(
            model_name='withdrawalduty',
            name='called_off_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='withdrawalduty',
            name='status',
            field=models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('called_off', 'Called off (the stop no longer applies)')], default='open', max_length=16),
        ),
        ReplaceCheckOnline(
            model_name='withdrawalduty',
            old_name='duty_acknowledged_has_time',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'open'), ('acknowledged_at__isnull', False), models.Q(('called_off_at__isnull', False), ('status', 'called_off')), _connector='OR'), name='duty_closed_has_time'),
        ),
        ReplaceCheckOnline(
            model_name='withdrawalduty',
            old_name='duty_consent_or_rectified_purpose',
            constraint=models.CheckConstraint(condition=models.Q(('consent__isnull', False), models.Q(('kind__in', ['rectification', 'restriction']), ('purpose__isnull', False)), _connector='OR'), name='duty_consent_or_purpose_shared'),
        ),
    ]
