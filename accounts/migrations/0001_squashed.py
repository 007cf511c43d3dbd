"""The `accounts` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations")."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('accounts', '0001_moved_from_core'),
    ]

    # Every third-party migration that alters a model related to the user runs first: after ours,
    # each would re-render every model of ours linked to the user, which is most of them (issue #16).
    # The apps above depend on this one in the order of the layers (docs/architecture.md).
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('oauth2_provider', '0022_refreshtoken_token_family_index'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.CreateModel(
            name='StaffProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('preferred_language', models.CharField(choices=[('vi', 'Tiếng Việt'), ('en', 'English')], default='vi', max_length=8, verbose_name='preferred language')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_profile', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'staff profile',
                'db_table': 'core_staffprofile',
            },
        ),
    ]
