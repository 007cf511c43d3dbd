"""A request an erasure of the platform's copies spared because it was still open names the deletion,
so its copies go when it closes. Requests erased before keep the field empty."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dsr', '0006_platform_categories_name_their_fields'),
    ]

    operations = [
        migrations.AddField(
            model_name='datasubjectrequest',
            name='copies_spared_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='dsr.datasubjectrequest', verbose_name='copies kept until closed for the deletion'),
        ),
    ]
