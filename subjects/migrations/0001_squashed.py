"""The `subjects` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations")."""

import uuid

import django.db.models.deletion
import encrypted_model_fields.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('subjects', '0001_moved_from_core'),
        ('subjects', '0002_national_id_share'),
    ]

    dependencies = [
        ('integrations', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DataSubject',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('external_ref', models.CharField(max_length=64, unique=True, verbose_name='customer number (CIF)')),
                ('full_name', encrypted_model_fields.fields.EncryptedCharField(verbose_name='full name')),
                ('national_id', encrypted_model_fields.fields.EncryptedCharField(blank=True, verbose_name='citizen ID (CCCD)')),
                ('national_id_index', models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
                ('passport_number', encrypted_model_fields.fields.EncryptedCharField(blank=True, verbose_name='passport number')),
                ('date_of_birth', encrypted_model_fields.fields.EncryptedDateField(blank=True, null=True, verbose_name='date of birth')),
                ('phone', encrypted_model_fields.fields.EncryptedCharField(blank=True, verbose_name='phone')),
                ('phone_index', models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
                ('email', encrypted_model_fields.fields.EncryptedEmailField(blank=True, verbose_name='e-mail')),
                ('email_index', models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
                ('address', encrypted_model_fields.fields.EncryptedTextField(blank=True, verbose_name='address')),
                ('guardian_verified_at', models.DateTimeField(blank=True, null=True, verbose_name='guardian authority verified at')),
                ('preferred_language', models.CharField(choices=[('vi', 'Tiếng Việt'), ('en', 'English')], default='vi', max_length=8, verbose_name='preferred language')),
                ('relationship_ended_on', models.DateField(blank=True, null=True, verbose_name='relationship ended on')),
                ('adult_verified', models.BooleanField(default=False, verbose_name='adult status verified by eKYC')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('guardian', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='wards', to='subjects.datasubject', verbose_name='guardian')),
            ],
            options={
                'verbose_name': 'data subject',
                'verbose_name_plural': 'data subjects',
                'db_table': 'core_datasubject',
                'ordering': ['external_ref'],
                'constraints': [models.CheckConstraint(condition=models.Q(('guardian', models.F('id')), _negated=True), name='subject_not_own_guardian')],
            },
        ),
        migrations.CreateModel(
            name='CustomerAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='customer_account', to=settings.AUTH_USER_MODEL)),
                ('subject', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='customer_account', to='subjects.datasubject')),
            ],
            options={
                'verbose_name': 'customer account',
                'db_table': 'core_customeraccount',
            },
        ),
        migrations.CreateModel(
            name='NationalIdShare',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('external_ref', models.CharField(max_length=64, verbose_name='customer number (CIF) that may share the citizen ID')),
                ('reason', models.CharField(max_length=500, verbose_name='reason')),
                ('linked_by_label', models.CharField(max_length=150)),
                ('linked_at', models.DateTimeField()),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='national_id_shares', to='subjects.datasubject')),
            ],
            options={
                'verbose_name': 'shared citizen ID',
                'permissions': [('share_national_id', 'Can let a second customer number carry a citizen ID')],
                'constraints': [models.UniqueConstraint(fields=('subject', 'external_ref'), name='national_id_share_once')],
            },
        ),
    ]
