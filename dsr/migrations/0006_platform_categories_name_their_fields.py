"""A category the platform holds names the platform fields a deletion erases for it. Until now erasure
went by the category codes `identity` and `contact`: the platform's categories with those codes keep
doing exactly that."""

from django.db import migrations, models


def name_the_fields_the_codes_meant(apps, schema_editor):
    DataCategory = apps.get_model("dsr", "DataCategory")
    DataCategory.objects.filter(
        code__in=("identity", "contact"), systems__code="platform", platform_data=""
    ).update(platform_data=models.F("code"))


class Migration(migrations.Migration):

    dependencies = [
        ('dsr', '0005_deadline_policy_at_receipt'),
    ]

    operations = [
        migrations.AddField(
            model_name='datacategory',
            name='platform_data',
            field=models.CharField(blank=True, choices=[('identity', 'Identity: full name, ID and passport numbers, date of birth'), ('contact', 'Contact details: phone, e-mail, address')], default='', max_length=16, verbose_name='on this platform'),
        ),
        migrations.RunPython(name_the_fields_the_codes_meant, migrations.RunPython.noop),
    ]
