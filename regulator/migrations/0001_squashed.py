"""The `regulator` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations")."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

from regulator.policy import REQUEST_TYPES, seed_regulator_policies


def policies_seed(apps, schema_editor):
    seed_regulator_policies(apps.get_model("deadlines", "DeadlinePolicy"))


def policies_remove(apps, schema_editor):
    apps.get_model("deadlines", "DeadlinePolicy").objects.filter(request_type__in=REQUEST_TYPES).delete()


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('regulator', '0001_initial'),
        ('regulator', '0002_deadline_policies'),
        ('regulator', '0003_customer_notice_decision'),
        ('regulator', '0004_breach_status_history'),
        ('regulator', '0005_breach_customers_job'),
        ('regulator', '0006_dossier_status_history'),
    ]

    dependencies = [
        ('deadlines', '0001_squashed'),
        ('consents', '0001_squashed'),
        ('dsr', '0001_squashed'),
        ('integrations', '0001_squashed'),
    ]

    operations = [
        migrations.CreateModel(
            name='Breach',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('reference', models.CharField(max_length=20, unique=True, verbose_name='reference')),
                ('title', models.CharField(max_length=200, verbose_name='what happened (short)')),
                ('description', models.TextField(verbose_name='description')),
                ('occurred_at', models.DateTimeField(verbose_name='occurred at')),
                ('detected_at', models.DateTimeField(verbose_name='detected at')),
                ('subjects_affected', models.PositiveIntegerField(default=0, verbose_name='number of data subjects affected')),
                ('records_affected', models.PositiveIntegerField(default=0, verbose_name='number of records affected')),
                ('measures_taken', models.TextField(blank=True, verbose_name='measures taken')),
                ('likely_consequences', models.TextField(blank=True, verbose_name='likely consequences')),
                ('status', models.CharField(choices=[('open', 'Awaiting notification'), ('notified', 'Authority notified'), ('closed', 'Closed')], default='open', max_length=16)),
                ('notify_due_at', models.DateTimeField(verbose_name='notify the authority by')),
                ('statutory_due_at', models.DateTimeField(blank=True, null=True)),
                ('deadline_breached_at', models.DateTimeField(blank=True, null=True)),
                ('notified_at', models.DateTimeField(blank=True, null=True)),
                ('customers_notified_at', models.DateTimeField(blank=True, null=True)),
                ('customers_notified', models.PositiveIntegerField(default=0)),
                ('customer_notice_decision', models.CharField(blank=True, choices=[('notify', 'Customers are told'), ('not_notify', 'Customers are not told (reason recorded)')], max_length=12, verbose_name='customers told?')),
                ('customer_notice_reason', models.TextField(blank=True, verbose_name='reason for not telling customers')),
                ('customer_notice_decided_at', models.DateTimeField(blank=True, null=True)),
                ('customer_notice_decided_by_label', models.CharField(blank=True, max_length=150)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('recorded_by_label', models.CharField(max_length=150)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('categories', models.ManyToManyField(related_name='breaches', to='dsr.datacategory', verbose_name='data categories')),
                ('customers_job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='integrations.backgroundjob')),
                ('systems', models.ManyToManyField(related_name='breaches', to='dsr.system', verbose_name='systems')),
            ],
            options={
                'verbose_name': 'breach',
                'verbose_name_plural': 'breaches',
                'ordering': ['-detected_at'],
                'permissions': [('manage_breach', 'Can record breaches and notify the authority'), ('view_regulator', 'Can view regulator filings'), ('manage_dossier', 'Can edit and file impact-assessment dossiers'), ('manage_announcement', 'Can schedule and send notice-change announcements')],
                'indexes': [models.Index(condition=models.Q(('status', 'open')), fields=['notify_due_at'], name='breach_open_due')],
                'constraints': [models.CheckConstraint(condition=models.Q(('detected_at__gte', models.F('occurred_at'))), name='breach_detected_after_occurred'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'notified'), _negated=True), ('notified_at__isnull', False), _connector='OR'), name='breach_notified_has_time')],
            },
        ),
        migrations.CreateModel(
            name='BreachNotification',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('phase', models.PositiveSmallIntegerField(verbose_name='phase')),
                ('kind', models.CharField(choices=[('initial', 'Initial notification'), ('follow_up', 'Follow-up')], max_length=16)),
                ('submitted_at', models.DateTimeField(verbose_name='submitted at')),
                ('late', models.BooleanField(default=False)),
                ('late_reason', models.TextField(blank=True, verbose_name='reason for lateness')),
                ('authority_reference', models.CharField(blank=True, max_length=100, verbose_name="authority's reference")),
                ('new_facts', models.TextField(blank=True, verbose_name='facts added in this phase')),
                ('document', models.JSONField()),
                ('submitted_by_label', models.CharField(max_length=150)),
                ('breach', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='phases', to='regulator.breach')),
            ],
            options={
                'verbose_name': 'breach notification phase',
                'ordering': ['breach_id', 'phase'],
                'constraints': [models.UniqueConstraint(fields=('breach', 'phase'), name='breach_phase_once'), models.CheckConstraint(condition=models.Q(('late', False), models.Q(('late_reason', ''), _negated=True), _connector='OR'), name='late_phase_has_reason')],
            },
        ),
        migrations.CreateModel(
            name='BreachStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(max_length=32)),
                ('to_status', models.CharField(max_length=32)),
                ('at', models.DateTimeField()),
                ('actor_label', models.CharField(max_length=150)),
                ('breach', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='status_changes', to='regulator.breach')),
            ],
            options={
                'verbose_name': 'breach status change',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Dossier',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('processing', 'Processing impact assessment'), ('transfer', 'Cross-border transfer impact assessment')], max_length=16)),
                ('started_at', models.DateTimeField(verbose_name='processing or transfer started')),
                ('due_at', models.DateTimeField(verbose_name='file by')),
                ('status', models.CharField(choices=[('draft', 'Not filed'), ('filed', 'Filed')], default='draft', max_length=16)),
                ('filed_at', models.DateTimeField(blank=True, null=True)),
                ('filed_version', models.PositiveIntegerField(blank=True, null=True)),
                ('authority_reference', models.CharField(blank=True, max_length=100, verbose_name="authority's reference")),
                ('current_version', models.PositiveIntegerField(default=0)),
                ('assessment', models.TextField(blank=True, verbose_name='risk assessment and safeguards')),
                ('deadline_breached_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dossiers', to='consents.purpose')),
                ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='dossiers', to='consents.recipient')),
            ],
            options={
                'verbose_name': 'impact-assessment dossier',
                'ordering': ['due_at'],
                'indexes': [models.Index(condition=models.Q(('status', 'draft')), fields=['due_at'], name='dossier_draft_due')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('recipient__isnull', True)), fields=('kind', 'purpose'), name='dossier_per_purpose'), models.UniqueConstraint(condition=models.Q(('recipient__isnull', False)), fields=('kind', 'purpose', 'recipient'), name='dossier_per_transfer'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'processing'), ('recipient__isnull', True)), models.Q(('kind', 'transfer'), ('recipient__isnull', False)), _connector='OR'), name='dossier_transfer_names_recipient'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'filed'), _negated=True), ('filed_at__isnull', False), _connector='OR'), name='dossier_filed_has_time')],
            },
        ),
        migrations.CreateModel(
            name='DossierStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(max_length=32)),
                ('to_status', models.CharField(max_length=32)),
                ('at', models.DateTimeField()),
                ('actor_label', models.CharField(max_length=150)),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='status_changes', to='regulator.dossier')),
            ],
            options={
                'verbose_name': 'dossier status change',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='DossierVersion',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('version', models.PositiveIntegerField()),
                ('cause', models.CharField(choices=[('created', 'Created from the catalogue'), ('catalogue', 'The catalogue changed'), ('edited', 'Edited by the DPO')], max_length=16)),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='change note')),
                ('changed_fields', models.JSONField(default=list)),
                ('fingerprint', models.CharField(max_length=64)),
                ('content', models.JSONField()),
                ('created_at', models.DateTimeField()),
                ('created_by_label', models.CharField(max_length=150)),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='regulator.dossier')),
            ],
            options={
                'verbose_name': 'dossier version',
                'ordering': ['dossier_id', '-version'],
                'constraints': [models.UniqueConstraint(fields=('dossier', 'version'), name='dossier_version_once')],
            },
        ),
        migrations.CreateModel(
            name='ProcessingActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('data_subjects', models.CharField(default='customers', help_text='e.g. customers, guarantors', max_length=200, verbose_name='whose data')),
                ('security_measures', models.TextField(blank=True, verbose_name='security measures')),
                ('started_at', models.DateTimeField(verbose_name='processing started')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('categories', models.ManyToManyField(related_name='activities', to='dsr.datacategory', verbose_name='data categories')),
                ('purpose', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='activity', to='consents.purpose')),
                ('systems', models.ManyToManyField(related_name='activities', to='dsr.system', verbose_name='systems')),
            ],
            options={
                'verbose_name': 'processing activity',
                'verbose_name_plural': 'processing activities',
                'ordering': ['purpose__code'],
            },
        ),
        migrations.RunPython(policies_seed, policies_remove),
    ]
