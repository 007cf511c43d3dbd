"""Foreign keys follow the data subject from `core` to `subjects`; the columns and constraints in the
database stay as they are."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dsr', '0005_open_by_statutory_due'),
        ('subjects', '0001_moved_from_core'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='datasubjectrequest',
            name='guardian',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests_as_guardian', to='subjects.datasubject', verbose_name='acting guardian'),
        ),
        migrations.AlterField(
            model_name='datasubjectrequest',
            name='subject',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='subjects.datasubject', verbose_name='customer'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
