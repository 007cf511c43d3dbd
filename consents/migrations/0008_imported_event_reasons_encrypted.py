"""The consent events the CSV import wrote on PostgreSQL before this change (`consents.services.
import_insert`, its COPY path) hold their empty withdrawal reason as plain text in an encrypted column,
where every other row holds '' encrypted. The key check at start-up (`subjects.checks`, core.E101) reads
one stored reason and, when it picks such a row, refuses to start with a hint about the wrong key. Those
rows are written again here as the field writes ''.

Historical models only: the filter compares the stored text with '' (look-ups are not encrypted), the
update prepares the value through the field, which encrypts it with the key the platform runs with. A
database whose check already fails migrates once with `manage.py migrate --skip-checks`. Going back
leaves the rows as they are (no-op): an encrypted '' reads as '' before and after.
"""

from django.db import migrations


def encrypt_plain_empty_reasons(apps, schema_editor):
    ConsentEvent = apps.get_model("consents", "ConsentEvent")
    ConsentEvent.objects.filter(reason="").update(reason="")


class Migration(migrations.Migration):

    dependencies = [
        ("consents", "0007_announcement_failures"),
    ]

    operations = [
        migrations.RunPython(encrypt_plain_empty_reasons, migrations.RunPython.noop, elidable=True),
    ]
