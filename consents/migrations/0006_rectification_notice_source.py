"""A rectification's notice to a recipient records what made the correction (`WithdrawalDuty.source`: a
rectification request's `dsr.request:<uuid>`), by which the request's page finds its notices. Notices sent
before are given theirs by `dsr` 0008, which knows the requests."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consents', '0005_report_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='withdrawalduty',
            name='source',
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
