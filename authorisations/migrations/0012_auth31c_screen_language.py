"""The language the consent screen showed an authorisation's terms in (`Authorisation.screen_language`),
part of the proof of what the customer read. A nullable column: added without rewriting the table, and
left empty for the authorisations given before it (not known), whose receipts keep their bytes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authorisations", "0011_code_spent_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorisation",
            name="screen_language",
            field=models.CharField(blank=True, max_length=8, null=True),
        ),
    ]
