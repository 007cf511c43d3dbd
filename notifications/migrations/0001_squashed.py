"""The `notifications` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations")."""

import uuid

import django.db.models.deletion
import encrypted_model_fields.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('notifications', '0001_customer_notifications'),
    ]

    dependencies = [
        ('subjects', '0001_squashed'),
    ]

    operations = [
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('topic', models.CharField(max_length=100)),
                ('template', models.CharField(max_length=200)),
                ('context', encrypted_model_fields.fields.EncryptedTextField()),
                ('language', models.CharField(max_length=8)),
                ('dedupe_key', models.CharField(max_length=200, unique=True)),
                ('channels', models.JSONField(default=list)),
                ('channel', models.CharField(choices=[('email', 'E-mail'), ('sms', 'SMS'), ('inbox', 'In-app inbox')], max_length=8, verbose_name='channel')),
                ('status', models.CharField(choices=[('pending', 'Being sent'), ('delivered', 'Delivered'), ('failed', 'Failed on every channel')], default='pending', max_length=12)),
                ('created_at', models.DateTimeField()),
                ('delivered_at', models.DateTimeField(blank=True, null=True)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='subjects.datasubject')),
            ],
            options={
                'verbose_name': 'notification',
                'indexes': [models.Index(fields=['subject', '-created_at'], name='notification_by_subject'), models.Index(condition=models.Q(('read_at__isnull', True)), fields=['subject'], name='notification_unread')],
            },
        ),
        migrations.CreateModel(
            name='NotificationAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('email', 'E-mail'), ('sms', 'SMS'), ('inbox', 'In-app inbox')], max_length=8)),
                ('outbox_message_id', models.UUIDField(blank=True, null=True, unique=True)),
                ('status', models.CharField(choices=[('pending', 'Being sent'), ('delivered', 'Delivered'), ('failed', 'Failed')], default='pending', max_length=12)),
                ('error', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('notification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='notifications.notification')),
            ],
            options={
                'verbose_name': 'notification attempt',
            },
        ),
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channels', models.JSONField(default=list)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('subject', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preference', to='subjects.datasubject')),
            ],
            options={
                'verbose_name': 'notification preference',
            },
        ),
    ]
