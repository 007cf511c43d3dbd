"""The fingerprint of the code each authorisation's approval issued (`Authorisation.code_fingerprint`), so
the tokens a spent code obtained end when it comes back. Nullable: no rewrite of existing rows. Its index
is built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`), so the migration runs
outside a transaction.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("authorisations", "0009_words_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorisation",
            name="code_fingerprint",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        AddIndexOnline(
            model_name="authorisation",
            index=models.Index(fields=["code_fingerprint"], name="authorisation_code_idx"),
        ),
    ]
