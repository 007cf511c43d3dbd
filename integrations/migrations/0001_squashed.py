"""The `integrations` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations").

Outbox messages are monthly range-partitioned on PostgreSQL, by `created_at` (issue #16). Data steps that only
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
        ('integrations', '0001_moved_from_core'),
        ('integrations', '0002_idempotency_answer_encrypted'),
        ('integrations', '0003_webhook_secret_rotation'),
        ('integrations', '0004_outbox_dedupe_keys'),
        ('integrations', '0005_partition_outbox_by_month'),
        ('integrations', '0006_outbox_sms_kind'),
        ('integrations', '0007_background_job'),
    ]

    dependencies = [
        ('accounts', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OutboxDedupeKey',
            fields=[
                ('key', models.CharField(max_length=200, primary_key=True, serialize=False)),
                ('message_id', models.UUIDField()),
            ],
        ),
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, max_length=100)),
                ('key_hash', models.CharField(max_length=64, unique=True)),
                ('prefix', models.CharField(max_length=8)),
                ('scopes', models.JSONField(default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API token',
                'db_table': 'core_apitoken',
            },
        ),
        migrations.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('url', models.URLField(max_length=500)),
                ('secret', encrypted_model_fields.fields.EncryptedCharField()),
                ('previous_secret', encrypted_model_fields.fields.EncryptedCharField(blank=True)),
                ('previous_secret_until', models.DateTimeField(blank=True, null=True)),
                ('events', models.JSONField(default=list, help_text='Event topics to deliver; empty means all.')),
                ('active', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhook_endpoints', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'webhook endpoint',
                'db_table': 'core_webhookendpoint',
            },
        ),
        migrations.CreateModel(
            name='BackgroundJob',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(max_length=100)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('cancelling', 'Cancelling'), ('cancelled', 'Cancelled'), ('done', 'Done'), ('failed', 'Failed')], db_index=True, default='queued', max_length=20)),
                ('actor_label', models.CharField(blank=True, max_length=150)),
                ('filename', models.CharField(blank=True, max_length=255)),
                ('input_path', models.CharField(blank=True, max_length=500)),
                ('rows_total', models.PositiveIntegerField(blank=True, null=True)),
                ('rows_done', models.PositiveIntegerField(default=0)),
                ('rows_refused', models.PositiveIntegerField(default=0)),
                ('cursor', models.PositiveIntegerField(default=0)),
                ('report', models.JSONField(blank=True, default=list)),
                ('error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'background job',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['status', 'heartbeat_at'], name='job_status_heartbeat')],
            },
        ),
        migrations.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=255)),
                ('request_fingerprint', models.CharField(max_length=64)),
                ('response_status', models.PositiveSmallIntegerField(null=True)),
                ('response_body', encrypted_model_fields.fields.EncryptedTextField(null=True)),
                ('subject_id', models.UUIDField(blank=True, db_index=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'core_idempotencyrecord',
                'indexes': [models.Index(fields=['created_at'], name='core_idempo_created_c8a89f_idx')],
                'constraints': [models.UniqueConstraint(fields=('owner', 'key'), name='idempotency_key_once_per_owner')],
            },
        ),
        migrations.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('webhook', 'Webhook'), ('email', 'E-mail'), ('sms', 'SMS')], max_length=16)),
                ('topic', models.CharField(db_index=True, max_length=100)),
                ('destination', encrypted_model_fields.fields.EncryptedCharField(blank=True)),
                ('payload', encrypted_model_fields.fields.EncryptedTextField(help_text='JSON body of the webhook, or the rendered e-mail.')),
                ('dedupe_key', models.CharField(blank=True, db_index=True, max_length=200, null=True)),
                ('subject_id', models.UUIDField(blank=True, db_index=True, null=True)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('parked', 'Parked for a person (retries exhausted)'), ('cancelled', 'Cancelled')], default='pending', max_length=16)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('next_attempt_at', models.DateTimeField()),
                ('last_error', models.CharField(blank=True, max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('endpoint', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='integrations.webhookendpoint')),
            ],
            options={
                'verbose_name': 'outbox message',
                'db_table': 'core_outboxmessage',
                'permissions': [('manage_outbox', 'Can see and retry parked messages')],
                'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['next_attempt_at'], name='outbox_pending_due')],
            },
        ),
        partition_by_month("core_outboxmessage", "created_at"),
    ]
