"""The `transparency` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations")."""

from django.db import migrations, models

from transparency.defaults import defaults_seed


def texts_seed(apps, schema_editor):
    defaults_seed(apps.get_model("transparency", "TransparencyText"))


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('transparency', '0001_texts'),
        ('transparency', '0002_default_texts'),
    ]

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='TransparencyText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('privacy_notice', 'Privacy notice'), ('dpo_contact', 'Contact of the data protection officer'), ('complaints', 'How to complain'), ('security', 'Safe online banking and protecting your data')], max_length=32, verbose_name='text')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('body_vi', models.TextField(verbose_name='text (Vietnamese)')),
                ('body_en', models.TextField(verbose_name='text (English)')),
                ('changes_vi', models.TextField(blank=True, verbose_name='what changed (Vietnamese)')),
                ('changes_en', models.TextField(blank=True, verbose_name='what changed (English)')),
                ('published_at', models.DateTimeField(verbose_name='published at')),
                ('published_by_label', models.CharField(max_length=150)),
            ],
            options={
                'verbose_name': 'transparency text',
                'ordering': ['kind', '-version'],
                'permissions': [('publish_text', 'Can edit the texts customers read about their data')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'version'), name='transparency_text_version_once')],
            },
        ),
        migrations.RunPython(texts_seed, migrations.RunPython.noop),
    ]
