"""The `core` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations")."""

from django.db import migrations


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('core', '0001_initial'),
        ('core', '0002_outbox'),
        ('core', '0003_deadline_policy'),
        ('core', '0004_deadline_policy_defaults'),
        ('core', '0005_deadline_machinery'),
        ('core', '0006_deadline_policy_types'),
        ('core', '0007_preferred_language'),
        ('core', '0008_subject_relationship_end_and_adult_check'),
        ('core', '0009_models_moved_to_their_apps'),
    ]

    dependencies = [
    ]

    operations = [
    ]
