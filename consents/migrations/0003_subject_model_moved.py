"""Foreign keys follow their models from `core` to `subjects` and `integrations`; the columns and
constraints in the database stay as they are."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consents', '0002_notice_announcement'),
        ('integrations', '0001_moved_from_core'),
        ('subjects', '0001_moved_from_core'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='consent',
            name='guardian',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consents_as_guardian', to='subjects.datasubject'),
        ),
        migrations.AlterField(
            model_name='consent',
            name='subject',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='subjects.datasubject'),
        ),
        migrations.AlterField(
            model_name='consentevent',
            name='subject',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consent_events', to='subjects.datasubject'),
        ),
        migrations.AlterField(
            model_name='consentstate',
            name='subject',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='subjects.datasubject'),
        ),
        migrations.AlterField(
            model_name='processingrestriction',
            name='subject',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='restrictions', to='subjects.datasubject'),
        ),
        migrations.AlterField(
            model_name='recipient',
            name='endpoint',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consent_recipients', to='integrations.webhookendpoint', verbose_name='webhook endpoint'),
        ),
        migrations.AlterField(
            model_name='withdrawalduty',
            name='subject',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='subjects.datasubject'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
