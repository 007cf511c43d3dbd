"""The `consents` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations").

Consent events are monthly range-partitioned on PostgreSQL, by `at` (issue #16). Data steps that only
rewrote rows of their day (encrypting old values, copying keys) are not repeated on a fresh database.
"""

import uuid

import django.db.models.deletion
import encrypted_model_fields.fields
from django.conf import settings
from django.db import migrations, models

from core.partitions import partition_by_month


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('consents', '0001_initial'),
        ('consents', '0002_notice_announcement'),
        ('consents', '0003_subject_model_moved'),
        ('consents', '0004_encrypt_withdrawal_reason'),
        ('consents', '0005_restriction_legal_hold'),
        ('consents', '0006_purpose_versions_and_proof'),
        ('consents', '0007_partition_events_by_month'),
        ('consents', '0008_consent_refusal'),
        ('consents', '0009_announcement_status_history'),
        ('consents', '0010_consent_import_job'),
        ('consents', '0011_withdrawal_duty_status_history'),
    ]

    dependencies = [
        ('integrations', '0001_squashed'),
        ('subjects', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='NoticeAnnouncement',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('significant', models.BooleanField(default=False, verbose_name='significantly affects customers')),
                ('lead_days', models.PositiveSmallIntegerField()),
                ('send_at', models.DateTimeField(verbose_name='announce on')),
                ('status', models.CharField(choices=[('scheduled', 'Scheduled'), ('sent', 'Sent to customers'), ('asked', 'Fresh consent asked'), ('done', 'Complete')], default='scheduled', max_length=16)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('customers_told', models.PositiveIntegerField(default=0)),
                ('asked_at', models.DateTimeField(blank=True, null=True)),
                ('customers_asked', models.PositiveIntegerField(default=0)),
                ('scheduled_by_label', models.CharField(max_length=150)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'notice announcement',
                'ordering': ['send_at'],
            },
        ),
        migrations.CreateModel(
            name='NoticeVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.CharField(max_length=32, verbose_name='version')),
                ('text_vi', models.TextField(verbose_name='notice text (Vietnamese)')),
                ('text_en', models.TextField(verbose_name='notice text (English)')),
                ('effective_at', models.DateTimeField(verbose_name='effective from')),
                ('material', models.BooleanField(default=False, verbose_name='material change')),
                ('scope', models.JSONField(default=dict)),
                ('applied_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'notice version',
                'ordering': ['purpose_id', 'effective_at'],
            },
        ),
        migrations.CreateModel(
            name='Purpose',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=64, unique=True, verbose_name='code')),
                ('name_vi', models.CharField(max_length=200, verbose_name='name (Vietnamese)')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('description_vi', models.TextField(verbose_name='description (Vietnamese)')),
                ('description_en', models.TextField(verbose_name='description (English)')),
                ('category', models.CharField(choices=[('service', 'Banking services'), ('compliance', 'Compliance'), ('support', 'Customer support'), ('marketing', 'Marketing'), ('sharing', 'Sharing with third parties'), ('cross_border', 'Cross-border transfer'), ('security', 'Security and authentication'), ('analytics', 'Analytics')], max_length=32, verbose_name='category')),
                ('legal_basis', models.CharField(choices=[('consent', 'Consent'), ('contract', 'Contract'), ('legal_obligation', 'Legal obligation'), ('vital_interest', 'Vital interest or emergency'), ('public_authority', 'Public authority'), ('public_interest', 'Public interest')], max_length=32, verbose_name='legal basis')),
                ('sensitive', models.BooleanField(default=False, verbose_name='sensitive data')),
                ('cross_border', models.BooleanField(default=False, verbose_name='cross-border transfer')),
                ('destination_country', models.CharField(blank=True, max_length=2, verbose_name='destination country (ISO code)')),
                ('data_categories', models.JSONField(blank=True, default=list, verbose_name='data categories')),
                ('retention_months', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='retention (months)')),
                ('transfer_exemption', models.CharField(blank=True, choices=[('legal_disclosure', 'Disclosure the law requires (Decree 117/2018 Art. 11; Decree 13/2023 Art. 17)'), ('vital_interest', 'Emergency to protect the life or health of the customer or others (Decree 13/2023 Art. 17)'), ('public_authority', 'Processing by a competent state authority under the law (Decree 13/2023 Art. 17)'), ('contract', "Performing the customer's contract with the recipient as the law provides (Decree 13/2023 Art. 17)")], max_length=32, verbose_name='exemption from consent for transfers')),
                ('consequences_vi', models.TextField(blank=True, verbose_name='consequences of withdrawing (Vietnamese)')),
                ('consequences_en', models.TextField(blank=True, verbose_name='consequences of withdrawing (English)')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'purpose',
                'verbose_name_plural': 'purposes',
                'ordering': ['code'],
                'permissions': [('manage_catalogue', 'Can manage purposes, notices and recipients')],
            },
        ),
        migrations.CreateModel(
            name='Consent',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('status', models.CharField(choices=[('granted', 'Granted'), ('withdrawn', 'Withdrawn'), ('expired', 'Expired'), ('superseded', 'Superseded'), ('refused', 'Refused')], default='granted', max_length=16)),
                ('channel', models.CharField(choices=[('branch', 'Branch'), ('call_centre', 'Call centre'), ('internet_banking', 'Internet banking'), ('mobile_app', 'Mobile app'), ('paper_form', 'Paper form'), ('api', 'API')], max_length=32)),
                ('evidence', models.CharField(blank=True, max_length=300, verbose_name='evidence reference')),
                ('session_ref', models.CharField(blank=True, max_length=64)),
                ('device', models.CharField(blank=True, max_length=300)),
                ('child_agreed', models.BooleanField(default=False)),
                ('child_evidence', models.CharField(blank=True, max_length=300)),
                ('sensitive_acknowledged', models.BooleanField(default=False)),
                ('recorded_by_kind', models.CharField(max_length=16)),
                ('recorded_by_label', models.CharField(max_length=150)),
                ('granted_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField(blank=True, null=True)),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                ('withdrawal_channel', models.CharField(blank=True, choices=[('branch', 'Branch'), ('call_centre', 'Call centre'), ('internet_banking', 'Internet banking'), ('mobile_app', 'Mobile app'), ('paper_form', 'Paper form'), ('api', 'API')], max_length=32)),
                ('import_key', models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True)),
                ('snapshot', models.JSONField(default=dict, editable=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('guardian', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consents_as_guardian', to='subjects.datasubject')),
                ('recorded_by_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='subjects.datasubject')),
                ('notice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='consents.noticeversion')),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='consents.purpose')),
            ],
            options={
                'verbose_name': 'consent',
                'verbose_name_plural': 'consents',
                'ordering': ['-granted_at'],
                'indexes': [models.Index(fields=['subject', 'purpose', '-granted_at'], name='consent_subject_purpose')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'granted')), fields=('subject', 'purpose'), name='one_live_consent_per_subject_purpose'), models.CheckConstraint(condition=models.Q(models.Q(('ended_at__isnull', True), ('status', 'granted')), models.Q(models.Q(('status', 'granted'), _negated=True), ('ended_at__isnull', False)), _connector='OR'), name='consent_ended_iff_not_granted'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'withdrawn'), _negated=True), ('withdrawn_at__isnull', False), _connector='OR'), name='consent_withdrawn_has_time')],
            },
        ),
        migrations.CreateModel(
            name='ConsentImport',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('filename', models.CharField(max_length=255)),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('actor_label', models.CharField(max_length=150)),
                ('rows', models.PositiveIntegerField(default=0)),
                ('imported', models.PositiveIntegerField(default=0)),
                ('already_imported', models.PositiveIntegerField(default=0)),
                ('refused', models.PositiveIntegerField(default=0)),
                ('errors', models.JSONField(default=list)),
                ('job', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='consent_import', to='integrations.backgroundjob')),
            ],
            options={
                'verbose_name': 'consent import',
                'ordering': ['-started_at'],
                'permissions': [('import_consents', 'Can import consents from CSV')],
            },
        ),
        migrations.CreateModel(
            name='AnnouncementStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(max_length=32)),
                ('to_status', models.CharField(max_length=32)),
                ('at', models.DateTimeField()),
                ('actor_label', models.CharField(max_length=150)),
                ('announcement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='status_changes', to='consents.noticeannouncement')),
            ],
            options={
                'verbose_name': 'announcement status change',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='noticeannouncement',
            name='notice',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='announcement', to='consents.noticeversion'),
        ),
        migrations.CreateModel(
            name='ProcessingRestriction',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('restrict', 'Restriction of processing'), ('object', 'Objection to processing'), ('legal_hold', 'Legal hold: kept only for the legal obligation')], max_length=16)),
                ('source', models.CharField(db_index=True, max_length=100)),
                ('reason', models.CharField(blank=True, max_length=500)),
                ('started_at', models.DateTimeField()),
                ('lifted_at', models.DateTimeField(blank=True, null=True)),
                ('applied_by_label', models.CharField(max_length=150)),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='restrictions', to='subjects.datasubject')),
                ('purpose', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='consents.purpose')),
            ],
            options={
                'verbose_name': 'processing restriction',
                'ordering': ['-started_at'],
                'indexes': [models.Index(condition=models.Q(('lifted_at__isnull', True)), fields=['subject'], name='restriction_in_force')],
                'constraints': [models.CheckConstraint(condition=models.Q(('lifted_at__isnull', True), ('lifted_at__gte', models.F('started_at')), _connector='OR'), name='restriction_lifted_after_start')],
            },
        ),
        migrations.AddField(
            model_name='noticeversion',
            name='purpose',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='consents.purpose'),
        ),
        migrations.CreateModel(
            name='ConsentState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('granted', 'Granted'), ('withdrawn', 'Withdrawn'), ('expired', 'Expired'), ('superseded', 'Superseded'), ('refused', 'Refused')], max_length=16)),
                ('expires_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField()),
                ('consent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='consents.consent')),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='subjects.datasubject')),
                ('notice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='consents.noticeversion')),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='consents.purpose')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('subject', 'purpose'), name='consent_state_per_subject_purpose')],
            },
        ),
        migrations.CreateModel(
            name='Recipient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('kind', models.CharField(choices=[('group_company', 'Group company'), ('partner', 'Partner'), ('credit_bureau', 'Credit bureau'), ('processor', 'Processor'), ('foreign_head_office', 'Foreign head office')], max_length=32, verbose_name='kind')),
                ('country', models.CharField(default='VN', max_length=2, verbose_name='country (ISO code)')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('client', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consent_recipients', to=settings.AUTH_USER_MODEL, verbose_name='integration client')),
                ('endpoint', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consent_recipients', to='integrations.webhookendpoint', verbose_name='webhook endpoint')),
            ],
            options={
                'verbose_name': 'recipient',
                'verbose_name_plural': 'recipients',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='purpose',
            name='recipients',
            field=models.ManyToManyField(blank=True, related_name='purposes', to='consents.recipient', verbose_name='recipients'),
        ),
        migrations.CreateModel(
            name='WithdrawalDuty',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('status', models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged')], default='open', max_length=16)),
                ('received_at', models.DateTimeField()),
                ('due_at', models.DateTimeField()),
                ('notice_message_id', models.UUIDField(blank=True, null=True)),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ('acknowledged_by_label', models.CharField(blank=True, max_length=150)),
                ('acknowledgement_note', models.CharField(blank=True, max_length=500)),
                ('consent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duties', to='consents.consent')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duties', to='consents.recipient')),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='subjects.datasubject')),
            ],
            options={
                'verbose_name': 'withdrawal duty',
                'verbose_name_plural': 'withdrawal duties',
                'ordering': ['due_at'],
                'permissions': [('acknowledge_withdrawalduty', "Can acknowledge a recipient's withdrawal duty")],
                'indexes': [models.Index(condition=models.Q(('status', 'open')), fields=['due_at'], name='duty_open_due')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('consent', 'recipient'), name='one_open_duty_per_withdrawal_recipient'), models.CheckConstraint(condition=models.Q(('status', 'open'), ('acknowledged_at__isnull', False), _connector='OR'), name='duty_acknowledged_has_time')],
            },
        ),
        migrations.CreateModel(
            name='WithdrawalDutyStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(max_length=32)),
                ('to_status', models.CharField(max_length=32)),
                ('at', models.DateTimeField()),
                ('actor_label', models.CharField(max_length=150)),
                ('duty', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='status_changes', to='consents.withdrawalduty')),
            ],
            options={
                'verbose_name': 'withdrawal duty status change',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ConsentEvent',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('granted', 'Granted'), ('withdrawn', 'Withdrawn'), ('expired', 'Expired'), ('superseded', 'Superseded'), ('refused', 'Refused')], max_length=16)),
                ('at', models.DateTimeField()),
                ('channel', models.CharField(blank=True, choices=[('branch', 'Branch'), ('call_centre', 'Call centre'), ('internet_banking', 'Internet banking'), ('mobile_app', 'Mobile app'), ('paper_form', 'Paper form'), ('api', 'API')], max_length=32)),
                ('actor_kind', models.CharField(max_length=16)),
                ('actor_label', models.CharField(max_length=150)),
                ('reason', encrypted_model_fields.fields.EncryptedCharField(blank=True)),
                ('source', models.CharField(blank=True, help_text='e.g. dsr.request:<uuid> or import:<id>', max_length=100)),
                ('actor_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('consent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='consents.consent')),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consent_events', to='subjects.datasubject')),
            ],
            options={
                'verbose_name': 'consent event',
                'ordering': ['at'],
                'indexes': [models.Index(fields=['subject', 'at'], name='consent_event_subject_at')],
            },
        ),
        migrations.AddIndex(
            model_name='noticeannouncement',
            index=models.Index(condition=models.Q(('status', 'scheduled')), fields=['send_at'], name='announcement_due'),
        ),
        migrations.AddConstraint(
            model_name='noticeannouncement',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'scheduled'), ('sent_at__isnull', False), _connector='OR'), name='announcement_sent_has_time'),
        ),
        migrations.AddConstraint(
            model_name='noticeversion',
            constraint=models.UniqueConstraint(fields=('purpose', 'version'), name='notice_version_once_per_purpose'),
        ),
        migrations.AddConstraint(
            model_name='purpose',
            constraint=models.CheckConstraint(condition=models.Q(('cross_border', False), models.Q(('destination_country', ''), _negated=True), _connector='OR'), name='purpose_cross_border_names_country'),
        ),
        partition_by_month("consents_consentevent", "at"),
    ]
