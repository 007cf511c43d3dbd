"""The models left `core` for `accounts`, `subjects`, `integrations` and `deadlines` with their
tables. Django's state forgets them here; the database keeps every table and row. Content types (and
so the permissions granted on them) move with the models."""
from django.db import migrations

MOVED = {
    "accounts": ["staffprofile"],
    "subjects": ["datasubject", "customeraccount"],
    "integrations": ["apitoken", "idempotencyrecord", "webhookendpoint", "outboxmessage"],
    "deadlines": ["deadlinepolicy", "calendarday", "reminderthreshold", "deadlinereminder", "deadlinebreach"],
}


def move_content_types(apps, schema_editor):
    """Keep each moved model's content type row, so the permissions granted on it stay granted."""
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    for app_label, models in MOVED.items():
        content_type.objects.filter(app_label="core", model__in=models).update(app_label=app_label)
    outbox = content_type.objects.filter(app_label="integrations", model="outboxmessage").first()
    if outbox is not None:
        # "manage_outbox" was declared on the deadline breach model; it belongs with the outbox.
        permission.objects.filter(content_type__app_label="deadlines", codename="manage_outbox").update(
            content_type=outbox)


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    breach = content_type.objects.filter(app_label="deadlines", model="deadlinebreach").first()
    if breach is not None:
        permission.objects.filter(content_type__app_label="integrations", codename="manage_outbox").update(
            content_type=breach)
    for app_label, models in MOVED.items():
        content_type.objects.filter(app_label=app_label, model__in=models).update(app_label="core")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_subject_relationship_end_and_adult_check'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('consents', '0003_subject_model_moved'),
        ('dsr', '0006_subject_model_moved'),
        ('accounts', '0001_moved_from_core'),
        ('subjects', '0001_moved_from_core'),
        ('integrations', '0001_moved_from_core'),
        ('deadlines', '0001_moved_from_core'),
        # Its data migration reads core.DeadlinePolicy: it must run while core still owns the model.
        ('regulator', '0002_deadline_policies'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='apitoken',
            name='user',
        ),
        migrations.DeleteModel(
            name='CalendarDay',
        ),
        migrations.RemoveField(
            model_name='customeraccount',
            name='subject',
        ),
        migrations.RemoveField(
            model_name='customeraccount',
            name='user',
        ),
        migrations.RemoveField(
            model_name='datasubject',
            name='guardian',
        ),
        migrations.DeleteModel(
            name='DeadlineBreach',
        ),
        migrations.DeleteModel(
            name='DeadlinePolicy',
        ),
        migrations.DeleteModel(
            name='DeadlineReminder',
        ),
        migrations.RemoveField(
            model_name='idempotencyrecord',
            name='owner',
        ),
        migrations.RemoveField(
            model_name='outboxmessage',
            name='endpoint',
        ),
        migrations.DeleteModel(
            name='ReminderThreshold',
        ),
        migrations.RemoveField(
            model_name='staffprofile',
            name='user',
        ),
        migrations.RemoveField(
            model_name='webhookendpoint',
            name='client',
        ),
        migrations.DeleteModel(
            name='ApiToken',
        ),
        migrations.DeleteModel(
            name='CustomerAccount',
        ),
        migrations.DeleteModel(
            name='DataSubject',
        ),
        migrations.DeleteModel(
            name='IdempotencyRecord',
        ),
        migrations.DeleteModel(
            name='OutboxMessage',
        ),
        migrations.DeleteModel(
            name='StaffProfile',
        ),
        migrations.DeleteModel(
            name='WebhookEndpoint',
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
