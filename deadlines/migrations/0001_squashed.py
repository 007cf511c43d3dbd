"""The `deadlines` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations").
A fresh database starts with the default deadline policy, the working-day calendar and the reminder
thresholds the DPO starts from (a day and six hours before each deadline).
"""

from django.db import migrations, models

from deadlines.defaults import seed_deadline_defaults

DEFAULT_REMINDER_HOURS = (24, 6)


def defaults_seed(apps, schema_editor):
    seed_deadline_defaults(apps.get_model("deadlines", "DeadlinePolicy"), apps.get_model("deadlines", "CalendarDay"))
    threshold = apps.get_model("deadlines", "ReminderThreshold")
    for hours in DEFAULT_REMINDER_HOURS:
        threshold.objects.get_or_create(hours_before=hours)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('deadlines', '0001_moved_from_core'),
    ]

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='date')),
                ('kind', models.CharField(choices=[('holiday', 'Public holiday or day off'), ('working', 'Make-up working day')], default='holiday', max_length=10, verbose_name='kind')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
            ],
            options={
                'verbose_name': 'calendar day',
                'verbose_name_plural': 'working-day calendar',
                'db_table': 'core_calendarday',
                'ordering': ['date'],
            },
        ),
        migrations.CreateModel(
            name='DeadlineBreach',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=40)),
                ('item_id', models.CharField(max_length=64)),
                ('clock', models.CharField(max_length=20)),
                ('due_at', models.DateTimeField()),
                ('breached_at', models.DateTimeField(db_index=True)),
                ('subject_id', models.UUIDField(blank=True, null=True)),
                ('label', models.CharField(max_length=150)),
                ('sweep_run', models.UUIDField()),
            ],
            options={
                'verbose_name': 'deadline breach',
                'verbose_name_plural': 'deadline breaches',
                'db_table': 'core_deadlinebreach',
                'ordering': ['-breached_at'],
                'permissions': [('view_deadline_report', 'Can see the deadline reports'), ('manage_schedules', 'Can change reminder thresholds and report schedules')],
                'constraints': [models.UniqueConstraint(fields=('source', 'item_id', 'clock'), name='deadline_breach_once')],
            },
        ),
        migrations.CreateModel(
            name='DeadlinePolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('regime', models.CharField(choices=[('bank', 'Bank policy (committed deadline)'), ('vn_law91', 'Vietnam: Law 91/2025/QH15 and Decree 356/2025'), ('vn_decree13', 'Vietnam: Decree 13/2023/ND-CP'), ('eu_gdpr', 'European Union: GDPR'), ('cn_pipl', 'China: PIPL and PBOC guidance')], max_length=20, verbose_name='regime')),
                ('request_type', models.CharField(choices=[('access', 'Access to personal data'), ('copy', 'Copy of personal data'), ('rectify', 'Rectification'), ('delete', 'Deletion'), ('restrict', 'Restriction of processing'), ('object', 'Objection to processing'), ('withdraw', 'Withdrawal of consent'), ('complaint', 'Complaint or protective measures'), ('breach_notification', 'Breach notification to the authority (A05)'), ('impact_assessment', 'Impact-assessment filing')], max_length=20, verbose_name='request type')),
                ('period', models.PositiveIntegerField(blank=True, null=True, verbose_name='period')),
                ('unit', models.CharField(choices=[('hours', 'calendar hours'), ('days', 'calendar days'), ('working_days', 'working days'), ('months', 'calendar months')], default='days', max_length=16, verbose_name='unit')),
                ('processor_period', models.PositiveIntegerField(blank=True, null=True, verbose_name='period when a processor or third party is involved')),
                ('acknowledge_period', models.PositiveIntegerField(blank=True, null=True, verbose_name='acknowledgement period')),
                ('acknowledge_unit', models.CharField(choices=[('hours', 'calendar hours'), ('days', 'calendar days'), ('working_days', 'working days'), ('months', 'calendar months')], default='working_days', max_length=16, verbose_name='acknowledgement unit')),
                ('extension_period', models.PositiveIntegerField(blank=True, null=True, verbose_name='extension (once, with a reason)')),
                ('pausable', models.BooleanField(default=True, verbose_name='clock may pause while awaiting the customer')),
                ('effective_from', models.DateField(blank=True, null=True, verbose_name='in force from')),
                ('effective_to', models.DateField(blank=True, null=True, verbose_name='in force until')),
                ('active', models.BooleanField(default=True, verbose_name="applies to the bank's customers")),
                ('legal_reference', models.CharField(blank=True, max_length=200, verbose_name='legal reference')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'deadline policy',
                'verbose_name_plural': 'deadline policies',
                'db_table': 'core_deadlinepolicy',
                'ordering': ['regime', 'request_type', 'effective_from'],
                'constraints': [models.UniqueConstraint(fields=('regime', 'request_type', 'effective_from'), name='deadline_policy_once_per_regime_type_start'), models.CheckConstraint(condition=models.Q(('effective_to__isnull', True), ('effective_from__isnull', True), ('effective_to__gte', models.F('effective_from')), _connector='OR'), name='deadline_policy_dates_in_order')],
            },
        ),
        migrations.CreateModel(
            name='DeadlineReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=40)),
                ('item_id', models.CharField(max_length=64)),
                ('clock', models.CharField(max_length=20)),
                ('hours_before', models.PositiveIntegerField()),
                ('due_at', models.DateTimeField()),
                ('sent_at', models.DateTimeField()),
                ('sweep_run', models.UUIDField()),
            ],
            options={
                'verbose_name': 'deadline reminder',
                'db_table': 'core_deadlinereminder',
                'constraints': [models.UniqueConstraint(fields=('source', 'item_id', 'clock', 'hours_before', 'due_at'), name='deadline_reminder_once')],
            },
        ),
        migrations.CreateModel(
            name='ReminderThreshold',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hours_before', models.PositiveIntegerField(unique=True, verbose_name='hours before the deadline')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'reminder threshold',
                'verbose_name_plural': 'reminder thresholds',
                'db_table': 'core_reminderthreshold',
                'ordering': ['-hours_before'],
                'constraints': [models.CheckConstraint(condition=models.Q(('hours_before__gt', 0)), name='reminder_threshold_positive')],
            },
        ),
        migrations.RunPython(defaults_seed, migrations.RunPython.noop),
    ]
