"""The chain head row cannot be deleted (audit/guards.py): deleted and inserted again at sequence 0, it
numbered new entries over existing ones, while the guard against moving it back saw only UPDATE."""

from django.db import migrations

from audit import guards
from core.schema import sql_by_vendor


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_entry_indexes_in_use")]

    operations = [
        sql_by_vendor(
            {"postgresql": [guards.PG_HEAD_NO_DELETE], "sqlite": [guards.SQLITE_HEAD_NO_DELETE]},
            {"postgresql": [guards.PG_DROP_HEAD_NO_DELETE], "sqlite": [guards.SQLITE_DROP_HEAD_NO_DELETE]},
        ),
    ]
