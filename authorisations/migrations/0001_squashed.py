"""The `authorisations` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations").

The third-party access log is monthly range-partitioned on PostgreSQL, by `accessed_at` (issue #16). Data steps that only
rewrote rows of their day (encrypting old values, copying keys) are not repeated on a fresh database.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.partitions import partition_by_month


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('authorisations', '0001_initial'),
        ('authorisations', '0002_partition_access_records_by_month'),
    ]

    dependencies = [
        ('integrations', '0001_squashed'),
        ('subjects', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.OAUTH2_PROVIDER_APPLICATION_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Authorisation',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('scopes', models.JSONField(default=list)),
                ('purpose', models.TextField()),
                ('fetch_type', models.CharField(choices=[('one_time', 'Once'), ('periodic', 'Periodically')], max_length=16)),
                ('frequency_per_day', models.PositiveSmallIntegerField()),
                ('cross_border', models.BooleanField(default=False)),
                ('destination_country', models.CharField(blank=True, max_length=2)),
                ('channel', models.CharField(max_length=32)),
                ('status', models.CharField(choices=[('active', 'Active'), ('paused', 'Paused'), ('revoked', 'Revoked'), ('expired', 'Expired')], default='active', max_length=16)),
                ('pause_reason', models.CharField(blank=True, choices=[('customer', 'Paused by the customer'), ('third_party_suspended', 'The third party is suspended'), ('dsr', 'A withdrawal or objection covers disclosure to third parties')], max_length=32)),
                ('pause_source', models.CharField(blank=True, max_length=80)),
                ('starts_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('expiry_notice_sent_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='authorisations', to='subjects.datasubject')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'authorisation',
                'ordering': ['-starts_at'],
                'permissions': [('revoke_authorisation', "Revoke a customer's authorisation on their behalf"), ('report_access', 'Report third-party accesses and introspect tokens (API gateway)')],
            },
        ),
        migrations.CreateModel(
            name='AuthorisationEvent',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('granted', 'Granted'), ('paused', 'Paused'), ('resumed', 'Resumed'), ('revoked', 'Revoked'), ('expired', 'Expired')], max_length=16)),
                ('old_status', models.CharField(blank=True, max_length=16)),
                ('new_status', models.CharField(max_length=16)),
                ('at', models.DateTimeField()),
                ('actor_kind', models.CharField(max_length=16)),
                ('actor_label', models.CharField(max_length=150)),
                ('channel', models.CharField(blank=True, max_length=32)),
                ('evidence', models.CharField(blank=True, max_length=500)),
                ('reason', models.CharField(blank=True, max_length=500)),
                ('receipt', models.TextField()),
                ('authorisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='authorisations.authorisation')),
            ],
            options={
                'ordering': ['at'],
            },
        ),
        migrations.CreateModel(
            name='SummaryNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_sent_at', models.DateTimeField()),
                ('subject', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='subjects.datasubject')),
            ],
        ),
        migrations.CreateModel(
            name='ThirdParty',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('legal_name', models.CharField(max_length=200, verbose_name='legal name')),
                ('tax_code', models.CharField(max_length=20, unique=True, verbose_name='tax code')),
                ('licence_ref', models.CharField(max_length=100, verbose_name='registration or licence reference')),
                ('contact_email', models.EmailField(max_length=254, verbose_name='contact e-mail')),
                ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='contact phone')),
                ('country', models.CharField(default='VN', max_length=2, verbose_name='country (ISO code)')),
                ('redirect_uris', models.JSONField(default=list, verbose_name='redirect URIs')),
                ('scopes', models.JSONField(default=list, verbose_name='data scopes it may ask for')),
                ('purpose', models.TextField(verbose_name='purpose')),
                ('fetch_type', models.CharField(choices=[('one_time', 'Once'), ('periodic', 'Periodically')], default='periodic', max_length=16, verbose_name='fetch type')),
                ('frequency_per_day', models.PositiveSmallIntegerField(default=4, verbose_name='reads per day at most')),
                ('max_duration_days', models.PositiveSmallIntegerField(default=365, verbose_name='longest authorisation it asks for (days)')),
                ('status', models.CharField(choices=[('active', 'Active'), ('suspended', 'Suspended')], default='active', max_length=16, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('application', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='third_party', to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL)),
                ('webhook', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='integrations.webhookendpoint')),
            ],
            options={
                'verbose_name': 'third party',
                'verbose_name_plural': 'third parties',
                'ordering': ['legal_name'],
                'permissions': [('manage_thirdparty', 'Register and suspend third parties')],
                'constraints': [models.CheckConstraint(condition=models.Q(('max_duration_days__gte', 1), ('max_duration_days__lte', 365)), name='third_party_duration_at_most_12_months')],
            },
        ),
        migrations.AddField(
            model_name='authorisation',
            name='third_party',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='authorisations', to='authorisations.thirdparty'),
        ),
        migrations.CreateModel(
            name='AccessRecord',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('scope', models.CharField(max_length=40)),
                ('accessed_at', models.DateTimeField()),
                ('record_count', models.PositiveIntegerField(default=0)),
                ('reported_by', models.CharField(max_length=150)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('authorisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accesses', to='authorisations.authorisation')),
            ],
            options={
                'ordering': ['-accessed_at'],
                'indexes': [models.Index(fields=['authorisation', '-accessed_at'], name='access_by_authorisation_idx')],
            },
        ),
        migrations.AddIndex(
            model_name='authorisation',
            index=models.Index(fields=['status', 'expires_at'], name='authorisation_due_idx'),
        ),
        migrations.AddConstraint(
            model_name='authorisation',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['active', 'paused'])), fields=('subject', 'third_party'), name='one_live_authorisation_per_subject_and_third_party'),
        ),
        migrations.AddConstraint(
            model_name='authorisation',
            constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('starts_at'))), name='authorisation_ends_after_start'),
        ),
        partition_by_month("authorisations_accessrecord", "accessed_at"),
    ]
