"""The `dsr` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations")."""

import uuid

import django.db.models.deletion
import encrypted_model_fields.fields
from django.conf import settings
from django.db import migrations, models

import dsr.models.inventory


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('dsr', '0001_initial'),
        ('dsr', '0002_extension_note'),
        ('dsr', '0003_retention_law'),
        ('dsr', '0004_export_purged_at'),
        ('dsr', '0005_open_by_statutory_due'),
        ('dsr', '0006_subject_model_moved'),
        ('dsr', '0007_statutory_clocks_do_not_pause'),
        ('dsr', '0008_acknowledge_clock_and_events'),
        ('dsr', '0009_deletion_instructions_holds_approval'),
        ('dsr', '0010_self_service_contact_change'),
        ('dsr', '0011_identity_verification_checked'),
        ('dsr', '0012_identity_methods_self_service_and_checked'),
        ('dsr', '0013_task_note_evidence'),
        ('dsr', '0014_request_overdue_reason'),
        ('dsr', '0015_fulfilment_task_status_history'),
    ]

    dependencies = [
        ('subjects', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DataCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('sensitive', models.BooleanField(default=False, verbose_name='sensitive (Decree 13 Art. 2.4)')),
            ],
            options={
                'verbose_name': 'data category',
                'verbose_name_plural': 'data categories',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='RetentionRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('period_months', models.PositiveIntegerField(verbose_name='kept for (months)')),
                ('starts', models.CharField(help_text='The event the period runs from, e.g. the end of the relationship.', max_length=120, verbose_name='counted from')),
                ('start_event', models.CharField(choices=[('relationship_end', 'End of the customer relationship'), ('request', 'The deletion request')], default='relationship_end', max_length=20, verbose_name='start event')),
                ('legal_reference', models.CharField(max_length=200, verbose_name='legal reference')),
                ('law', models.CharField(choices=[('aml', 'Anti-money laundering (Law 14/2022/QH15)'), ('accounting', 'Accounting'), ('tax', 'Tax'), ('credit', 'Credit institutions and credit information'), ('other', 'Other law')], default='other', max_length=16, verbose_name='kept under')),
            ],
            options={
                'verbose_name': 'retention rule',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='DataSubjectRequest',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('type', models.CharField(choices=[('access', 'Access to personal data'), ('copy', 'Copy of personal data'), ('rectify', 'Rectification'), ('delete', 'Deletion'), ('restrict', 'Restriction of processing'), ('object', 'Objection to processing'), ('withdraw', 'Withdrawal of consent'), ('complaint', 'Complaint or protective measures')], max_length=20, verbose_name='type')),
                ('status', models.CharField(choices=[('received', 'Received'), ('verifying_identity', 'Verifying identity'), ('in_progress', 'In progress'), ('awaiting_customer', 'Awaiting the customer'), ('completed', 'Completed'), ('partially_completed', 'Partially completed'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled by the customer')], default='received', max_length=24, verbose_name='status')),
                ('channel', models.CharField(choices=[('branch', 'Branch'), ('call_centre', 'Call centre'), ('internet_banking', 'Internet banking'), ('mobile_app', 'Mobile app'), ('paper_form', 'Paper form'), ('api', 'API')], max_length=20, verbose_name='channel')),
                ('details', encrypted_model_fields.fields.EncryptedTextField(blank=True, verbose_name='details')),
                ('corrections', encrypted_model_fields.fields.EncryptedTextField(blank=True, verbose_name='corrected values')),
                ('purposes', models.JSONField(blank=True, default=list, verbose_name='purposes')),
                ('processor_involved', models.BooleanField(default=False, verbose_name='a processor or third party must act')),
                ('received_at', models.DateTimeField(verbose_name='received at')),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged at')),
                ('due_at', models.DateTimeField(verbose_name='bank deadline')),
                ('acknowledge_by', models.DateTimeField(blank=True, null=True, verbose_name='acknowledge by')),
                ('statutory_due_at', models.DateTimeField(blank=True, null=True, verbose_name='statutory deadline')),
                ('statutory_regime', models.CharField(blank=True, choices=[('bank', 'Bank policy (committed deadline)'), ('vn_law91', 'Vietnam: Law 91/2025/QH15 and Decree 356/2025'), ('vn_decree13', 'Vietnam: Decree 13/2023/ND-CP'), ('eu_gdpr', 'European Union: GDPR'), ('cn_pipl', 'China: PIPL and PBOC guidance')], max_length=20, verbose_name='statutory regime')),
                ('pausable', models.BooleanField(default=True)),
                ('paused_at', models.DateTimeField(blank=True, null=True)),
                ('paused_seconds', models.PositiveIntegerField(default=0)),
                ('extended_at', models.DateTimeField(blank=True, null=True)),
                ('extension_note', encrypted_model_fields.fields.EncryptedTextField(blank=True, verbose_name='reason for the extension')),
                ('identity_method', models.CharField(blank=True, choices=[('branch_documents', 'Identity document checked against the customer record'), ('otp_phone', 'One-time code sent to the registered phone'), ('ekyc', 'eKYC reference'), ('self_service', 'Signed in to self-service (new contact confirmed by a code)')], max_length=20, verbose_name='identity verified by')),
                ('identity_reference', encrypted_model_fields.fields.EncryptedCharField(blank=True, verbose_name='verification reference')),
                ('identity_verified_at', models.DateTimeField(blank=True, null=True, verbose_name='identity verified at')),
                ('identity_document_type', models.CharField(blank=True, choices=[('cccd', 'Citizen ID card (CCCD)'), ('cmnd12', 'Old identity card (CMND, 12 digits)')], max_length=10, verbose_name='document checked')),
                ('identity_document_masked', models.CharField(blank=True, max_length=20, verbose_name='document number (masked)')),
                ('identity_otp_hash', models.CharField(blank=True, editable=False, max_length=64)),
                ('identity_otp_expires_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('identity_otp_attempts', models.PositiveSmallIntegerField(default=0, editable=False)),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='deletion approved at')),
                ('outcome_reason', models.CharField(blank=True, choices=[('aml_retention', 'Retention required by the Anti-Money Laundering Law (Law 14/2022/QH15)'), ('other_retention', 'Retention required by accounting, tax or credit law'), ('manifestly_unfounded', 'The request is manifestly unfounded or excessive'), ('identity_not_verified', "The requester's identity could not be verified"), ('legal_prohibition', 'A law forbids disclosure or the change requested'), ('other', 'Other reason (explained in the note)')], max_length=24, verbose_name='legal reason')),
                ('outcome_note', encrypted_model_fields.fields.EncryptedTextField(blank=True, verbose_name='answer to the customer')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                ('overdue_reason', models.TextField(blank=True, verbose_name='reason for the delay')),
                ('overdue_reason_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deletion approved by')),
                ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_requests', to=settings.AUTH_USER_MODEL, verbose_name='assigned to')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('guardian', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests_as_guardian', to='subjects.datasubject', verbose_name='acting guardian')),
                ('identity_verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='subjects.datasubject', verbose_name='customer')),
            ],
            options={
                'verbose_name': 'data-subject request',
                'verbose_name_plural': 'data-subject requests',
                'ordering': ['-received_at'],
                'permissions': [('work_request', 'Can work on data-subject requests'), ('approve_deletion', 'Can approve the deletion of personal data')],
                'indexes': [models.Index(condition=models.Q(('status__in', ['awaiting_customer', 'in_progress', 'received', 'verifying_identity'])), fields=['due_at'], name='dsr_open_by_due'), models.Index(condition=models.Q(('status__in', ['awaiting_customer', 'in_progress', 'received', 'verifying_identity'])), fields=['statutory_due_at'], name='dsr_open_by_statutory_due'), models.Index(condition=models.Q(('acknowledged_at__isnull', True), ('status__in', ['awaiting_customer', 'in_progress', 'received', 'verifying_identity'])), fields=['acknowledge_by'], name='dsr_open_by_acknowledge'), models.Index(fields=['subject', '-received_at'], name='dsr_by_subject'), models.Index(condition=models.Q(('status__in', ['awaiting_customer', 'in_progress', 'received', 'verifying_identity'])), fields=['assignee', 'due_at'], name='dsr_open_by_assignee')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['rejected', 'partially_completed']), _negated=True), models.Q(('outcome_reason', ''), _negated=True), _connector='OR'), name='dsr_refusal_has_reason'), models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['in_progress', 'completed', 'partially_completed']), _negated=True), ('identity_verified_at__isnull', False), _connector='OR'), name='dsr_fulfilment_needs_identity')],
            },
        ),
        migrations.CreateModel(
            name='ContactChange',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('field', models.CharField(choices=[('phone', 'Phone'), ('email', 'E-mail')], max_length=8)),
                ('value', encrypted_model_fields.fields.EncryptedCharField()),
                ('code_hash', models.CharField(max_length=64)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('status', models.CharField(choices=[('pending', 'Waiting for the code'), ('confirmed', 'Confirmed'), ('superseded', 'Replaced by a newer code'), ('failed', 'Too many wrong codes'), ('expired', 'Code expired')], default='pending', max_length=12)),
                ('created_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='subjects.datasubject')),
                ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='dsr.datasubjectrequest')),
            ],
            options={
                'verbose_name': 'contact change',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['subject', 'created_at'], name='contact_change_by_subject')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('subject', 'field'), name='contact_change_one_pending_per_field')],
            },
        ),
        migrations.CreateModel(
            name='FulfilmentTask',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done')], default='open', max_length=8)),
                ('instructions', models.JSONField(blank=True, default=list)),
                ('result', encrypted_model_fields.fields.EncryptedTextField(blank=True)),
                ('created_at', models.DateTimeField()),
                ('completed_at', models.DateTimeField(blank=True, null=True)),
                ('completed_by_label', models.CharField(blank=True, max_length=150)),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('evidence', models.CharField(blank=True, max_length=300, verbose_name='evidence reference')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='dsr.datasubjectrequest')),
            ],
            options={
                'ordering': ['system__code'],
            },
        ),
        migrations.CreateModel(
            name='FulfilmentTaskStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(max_length=32)),
                ('to_status', models.CharField(max_length=32)),
                ('at', models.DateTimeField()),
                ('actor_label', models.CharField(max_length=150)),
                ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='dsr.fulfilmenttask')),
            ],
            options={
                'verbose_name': 'fulfilment task status change',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='LegalHold',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject_id', models.UUIDField(db_index=True)),
                ('reason', models.CharField(max_length=200)),
                ('legal_reference', models.CharField(max_length=200)),
                ('law', models.CharField(choices=[('aml', 'Anti-money laundering (Law 14/2022/QH15)'), ('accounting', 'Accounting'), ('tax', 'Tax'), ('credit', 'Credit institutions and credit information'), ('other', 'Other law')], default='other', max_length=16)),
                ('start_event', models.CharField(choices=[('relationship_end', 'End of the customer relationship'), ('request', 'The deletion request')], default='relationship_end', max_length=20)),
                ('period_months', models.PositiveIntegerField(default=0)),
                ('ends_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField()),
                ('released_at', models.DateTimeField(blank=True, null=True)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dsr.datacategory')),
                ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='legal_holds', to='dsr.datasubjectrequest')),
            ],
            options={
                'verbose_name': 'legal hold',
                'ordering': ['ends_on'],
            },
        ),
        migrations.AddField(
            model_name='fulfilmenttask',
            name='hold',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='erase_tasks', to='dsr.legalhold'),
        ),
        migrations.CreateModel(
            name='RequestClockEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('started', 'Clock started'), ('acknowledged', 'Request acknowledged'), ('paused', 'Clock paused while awaiting the customer'), ('resumed', 'Clock resumed'), ('extended', 'Deadline extended'), ('breached', 'Deadline breached'), ('stopped', 'Clock stopped (request closed)'), ('processor', 'A processor or third party must act: statutory period lengthened'), ('calendar', 'Deadlines recomputed after a change of the working-day calendar')], max_length=16)),
                ('at', models.DateTimeField()),
                ('due_at', models.DateTimeField()),
                ('statutory_due_at', models.DateTimeField(blank=True, null=True)),
                ('actor_label', models.CharField(blank=True, max_length=150)),
                ('note', models.CharField(blank=True, max_length=300)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='clock_events', to='dsr.datasubjectrequest')),
            ],
            options={
                'ordering': ['at', 'pk'],
                'indexes': [models.Index(fields=['request', 'at'], name='dsr_request_request_1add33_idx')],
            },
        ),
        migrations.CreateModel(
            name='RequestExport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content', encrypted_model_fields.fields.EncryptedTextField()),
                ('created_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('downloads', models.PositiveIntegerField(default=0)),
                ('purged_at', models.DateTimeField(blank=True, null=True)),
                ('request', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='export', to='dsr.datasubjectrequest')),
            ],
            options={
                'verbose_name': 'data export',
            },
        ),
        migrations.CreateModel(
            name='RequestStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_status', models.CharField(blank=True, choices=[('received', 'Received'), ('verifying_identity', 'Verifying identity'), ('in_progress', 'In progress'), ('awaiting_customer', 'Awaiting the customer'), ('completed', 'Completed'), ('partially_completed', 'Partially completed'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled by the customer')], max_length=24)),
                ('new_status', models.CharField(choices=[('received', 'Received'), ('verifying_identity', 'Verifying identity'), ('in_progress', 'In progress'), ('awaiting_customer', 'Awaiting the customer'), ('completed', 'Completed'), ('partially_completed', 'Partially completed'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled by the customer')], max_length=24)),
                ('actor_kind', models.CharField(max_length=16)),
                ('actor_label', models.CharField(blank=True, max_length=150)),
                ('reason', models.CharField(blank=True, choices=[('aml_retention', 'Retention required by the Anti-Money Laundering Law (Law 14/2022/QH15)'), ('other_retention', 'Retention required by accounting, tax or credit law'), ('manifestly_unfounded', 'The request is manifestly unfounded or excessive'), ('identity_not_verified', "The requester's identity could not be verified"), ('legal_prohibition', 'A law forbids disclosure or the change requested'), ('other', 'Other reason (explained in the note)')], max_length=24)),
                ('note', encrypted_model_fields.fields.EncryptedTextField(blank=True)),
                ('at', models.DateTimeField()),
                ('actor_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='dsr.datasubjectrequest')),
            ],
            options={
                'ordering': ['at', 'pk'],
                'indexes': [models.Index(fields=['request', 'at'], name='dsr_request_request_d598ab_idx')],
            },
        ),
        migrations.AddField(
            model_name='datacategory',
            name='retention',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='categories', to='dsr.retentionrule', verbose_name='retention rule'),
        ),
        migrations.CreateModel(
            name='System',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('request_types', models.JSONField(default=dsr.models.inventory._all_request_types, verbose_name='request types it acts on')),
                ('is_processor', models.BooleanField(default=False, verbose_name='run by a processor or third party')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('categories', models.ManyToManyField(related_name='systems', to='dsr.datacategory', verbose_name='data categories')),
                ('integration_client', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='integration client')),
            ],
            options={
                'verbose_name': 'system',
                'ordering': ['code'],
            },
        ),
        migrations.AddField(
            model_name='legalhold',
            name='system',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dsr.system'),
        ),
        migrations.AddField(
            model_name='fulfilmenttask',
            name='system',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='dsr.system'),
        ),
        migrations.CreateModel(
            name='DeletionRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject_id', models.UUIDField(db_index=True)),
                ('method', models.CharField(choices=[('erased', 'Erased'), ('deidentified', 'De-identified')], default='erased', max_length=16)),
                ('deleted_at', models.DateTimeField()),
                ('deleted_by_label', models.CharField(max_length=150)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dsr.datacategory')),
                ('deleted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deletion_records', to='dsr.datasubjectrequest')),
                ('hold', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deletion', to='dsr.legalhold')),
                ('system', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dsr.system')),
            ],
            options={
                'verbose_name': 'deletion record',
                'ordering': ['-deleted_at'],
            },
        ),
        migrations.AddIndex(
            model_name='legalhold',
            index=models.Index(condition=models.Q(('released_at__isnull', True)), fields=['ends_on'], name='dsr_hold_due'),
        ),
        migrations.AddConstraint(
            model_name='legalhold',
            constraint=models.UniqueConstraint(fields=('request', 'category', 'system'), name='dsr_one_hold_per_part'),
        ),
        migrations.AddIndex(
            model_name='fulfilmenttask',
            index=models.Index(fields=['system', 'status'], name='dsr_fulfilm_system__a4dc57_idx'),
        ),
        migrations.AddConstraint(
            model_name='fulfilmenttask',
            constraint=models.UniqueConstraint(condition=models.Q(('hold__isnull', True)), fields=('request', 'system'), name='dsr_one_task_per_system'),
        ),
        migrations.AddConstraint(
            model_name='fulfilmenttask',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('completed_at__isnull', True), ('status', 'open')), models.Q(('completed_at__isnull', False), ('status', 'done')), _connector='OR'), name='dsr_task_done_has_time'),
        ),
    ]
