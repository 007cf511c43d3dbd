"""Django's `flush`, which keeps the audit trail's append-only guard and is quick between tests.

Test runs empty the database between transactional tests with `flush`. On SQLite it lifts the DELETE
guards of the trail and its head row for its own statement; on PostgreSQL Django's TRUNCATE, which the
row triggers do not see, empties every table. Anyone who may run `flush` already holds the database;
the checkpoints outside it still show what was lost.

A TRUNCATE of all of PostgreSQL's tables makes new files for each table and index (about 550): 0.6 to
1.4 s per transactional test, most of them for tables the test never wrote. When the caller keeps the
sequences (`reset_sequences=False`, as Django's test teardown asks), only the tables holding a row are
emptied, by DELETE in one transaction (every foreign key is deferred to its commit), and the trail and
its head row, whose triggers refuse DELETE, by TRUNCATE: the same empty tables, in a few milliseconds.
"""
from django.core.management.commands.flush import Command as FlushCommand
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections, transaction

from audit import guards
from audit.models import AuditChainHead, AuditEntry

_GUARDED_AGAINST_DELETE = (AuditEntry._meta.db_table, AuditChainHead._meta.db_table)


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor == "postgresql":
            if options.get("reset_sequences", True) or options["interactive"]:
                return super().handle(**options)
            return self._empty_tables_holding_rows(connection, options)
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute(guards.SQLITE_DROP_NO_DELETE)
            cursor.execute(guards.SQLITE_DROP_HEAD_NO_DELETE)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(guards.SQLITE_NO_DELETE)
                cursor.execute(guards.SQLITE_HEAD_NO_DELETE)

    def _empty_tables_holding_rows(self, connection, options) -> None:
        quote = connection.ops.quote_name
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        if not tables:
            return
        with connection.cursor() as cursor:
            # The schema's own table names, quoted: nothing from outside is in the statement.
            exists = (f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(t)})" for t in tables)  # noqa: S608
            cursor.execute(" UNION ALL ".join(exists), tables)
            holding = [table for (table,) in cursor.fetchall()]
        with transaction.atomic(using=options["database"]), connection.cursor() as cursor:
            for table in holding:
                verb = "TRUNCATE" if table in _GUARDED_AGAINST_DELETE else "DELETE FROM"
                cursor.execute(f"{verb} {quote(table)}")
        # Sent even when no table held a row, as Django's flush does: a flush that skipped it may have
        # left the seeded rows (role groups, permissions) out.
        if not options.get("inhibit_post_migrate", False):
            emit_post_migrate_signal(options["verbosity"], options["interactive"], options["database"])
