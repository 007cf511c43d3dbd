"""Version 1 of every customer transparency text, so a fresh database shows them."""

from django.db import migrations

from transparency.defaults import defaults_seed


def seed(apps, schema_editor):
    defaults_seed(apps.get_model("transparency", "TransparencyText"))


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_texts")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
