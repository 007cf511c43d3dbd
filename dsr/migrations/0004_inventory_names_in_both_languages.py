"""The systems inventory's names, and what a legal hold copies from its rule, in both languages.

The Vietnamese field replaces the single one and keeps its column (`db_column`), so no row is
rewritten: the renames change Django's state only. The English columns are added empty; an empty one
reads in Vietnamese until the DPO gives it (and a hold placed before keeps its Vietnamese words)."""

from django.db import migrations, models


def _keep_column(model_name: str, old: str, new: str, field: models.Field) -> migrations.SeparateDatabaseAndState:
    """`old` becomes `new` in Django's state, on the same column."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=model_name, name=old, field=field.clone()),
            migrations.RenameField(model_name=model_name, old_name=old, new_name=new),
        ],
        database_operations=[],
    )


class Migration(migrations.Migration):

    dependencies = [
        ('dsr', '0003_withdrawal_in_force_at_verification'),
    ]

    operations = [
        _keep_column(
            'retentionrule', 'name', 'name_vi',
            models.CharField(db_column='name', max_length=120, verbose_name='name (Vietnamese)'),
        ),
        _keep_column(
            'retentionrule', 'legal_reference', 'legal_reference_vi',
            models.CharField(
                db_column='legal_reference', max_length=200, verbose_name='legal reference (Vietnamese)'
            ),
        ),
        _keep_column(
            'datacategory', 'name', 'name_vi',
            models.CharField(db_column='name', max_length=120, verbose_name='name (Vietnamese)'),
        ),
        _keep_column(
            'system', 'name', 'name_vi',
            models.CharField(db_column='name', max_length=120, verbose_name='name (Vietnamese)'),
        ),
        _keep_column('legalhold', 'reason', 'reason_vi', models.CharField(db_column='reason', max_length=200)),
        _keep_column(
            'legalhold', 'legal_reference', 'legal_reference_vi',
            models.CharField(db_column='legal_reference', max_length=200),
        ),
        migrations.AlterModelOptions(
            name='retentionrule',
            options={'ordering': ['name_vi'], 'verbose_name': 'retention rule'},
        ),
        migrations.AddField(
            model_name='retentionrule',
            name='name_en',
            field=models.CharField(blank=True, default='', max_length=120, verbose_name='name (English)'),
        ),
        migrations.AddField(
            model_name='retentionrule',
            name='legal_reference_en',
            field=models.CharField(
                blank=True, default='', max_length=200, verbose_name='legal reference (English)'
            ),
        ),
        migrations.AddField(
            model_name='datacategory',
            name='name_en',
            field=models.CharField(blank=True, default='', max_length=120, verbose_name='name (English)'),
        ),
        migrations.AddField(
            model_name='system',
            name='name_en',
            field=models.CharField(blank=True, default='', max_length=120, verbose_name='name (English)'),
        ),
        migrations.AddField(
            model_name='legalhold',
            name='reason_en',
            field=models.CharField(blank=True, default='', max_length=200),
        ),
        migrations.AddField(
            model_name='legalhold',
            name='legal_reference_en',
            field=models.CharField(blank=True, default='', max_length=200),
        ),
    ]
