"""Django's `flush`, which on SQLite lifts the audit trail's DELETE guard for its own statement.

Test runs empty the database between transactional tests with `flush`; on PostgreSQL that is a
TRUNCATE, which the row trigger does not see, and this keeps SQLite the same. Anyone who may run
`flush` already holds the database; the checkpoints outside it still show what was lost.
"""
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from audit import guards


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute(guards.SQLITE_DROP_NO_DELETE)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(guards.SQLITE_NO_DELETE)
