"""Start-up canary: refuse to run with keys that cannot read the data already stored.

A wrong FIELD_ENCRYPTION_KEY does not raise on its own: django-encrypted-model-fields hands back the
ciphertext unchanged when it cannot decrypt, and the platform would then show it, re-encrypt it on the
next save and lose the value for good. A wrong BLIND_INDEX_KEY silently makes every look-up miss.
So `manage.py check`/`migrate`/`runserver`, scripts/run (through its `migrate`, before gunicorn), every
web node (config/wsgi.py) and Celery (through the worker_init and beat_init signals) stop with an error
naming the variable.

The canary uses existing rows, no extra table: per encrypted model, the ciphertexts of the first and the
last row in primary-key order are decrypted; per blind index, those rows' values are decrypted and their
index recomputed with the current (or, during a rotation, the previous) key. Two rows, because
`manage.py rotate_keys` goes in primary-key order: a database restored from a backup taken while it ran
holds the first rows under the new key and the last under the old one, and one row read could pass with
the old key already gone from the settings. Rows alone miss a rotation cut short on a live platform (what
it wrote meanwhile, under the new key, may be the last row), so the trail is read too: a rotation started
and not finished in this database needs the keys it rotated from (`subjects.keys.rotation_cut_short`).
"""
from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.core import checks
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEntry
from core.checks import KEYS_TAG
from subjects.crypto import blind_index_candidates
from subjects.keys import encrypted_models, field_crypter, rotation_cut_short


def _end_values(table: str, pk: str, columns: list[str], *, where: str) -> list[tuple]:
    """The `columns` of the first and the last row matching `where`, in primary-key order (one row when
    only one matches; none when none does)."""
    quote = connection.ops.quote_name
    found = []
    for direction in ("ASC", "DESC"):
        sql = (f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WHERE {where} "  # noqa: S608
               f"ORDER BY {quote(pk)} {direction} LIMIT 1")
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        if row is None:
            break  # no row matches: the other end would scan the whole table to find none again
        if row not in found:
            found.append(row)
    return found


def _decrypt(crypter, token) -> str | None:
    if isinstance(token, bytes):
        token = token.decode()
    try:
        return crypter.decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def _columns_pending_encryption() -> frozenset[tuple[str, str]]:
    """(table, column) of each column a migration not yet applied encrypts (its `encrypts`): it holds
    plain text until that migration runs, which `migrate` can only do once this check lets it start."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return frozenset(column for migration, backwards in plan if not backwards
                     for column in getattr(migration, "encrypts", ()))


@checks.register(KEYS_TAG)
def check_keys_read_existing_data(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    try:
        tables = set(connection.introspection.table_names())
    except DatabaseError:
        return []  # no database yet: nothing stored that a key could fail to read (healthz reports it)
    if AuditEntry._meta.db_table in tables:
        errors += _rotation_cut_short_errors()
    crypter = field_crypter()
    quote = connection.ops.quote_name
    try:
        for spec in encrypted_models():
            table = spec.model._meta.db_table
            if table not in tables:
                continue
            # A column a pending migration adds holds nothing yet (`migrate` runs this check first); SQLite
            # would read a missing quoted column as the string of its name.
            with connection.cursor() as cursor:
                stored = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            pk = spec.model._meta.pk.column
            for f in (f for f in spec.fields if f.column in stored):
                rows = _end_values(table, pk, [f.column], where=f"{quote(f.column)} IS NOT NULL")
                # The migration graph is read only for a value no key reads, not at every start.
                if (any(_decrypt(crypter, row[0]) is None for row in rows)
                        and (table, f.column) not in _columns_pending_encryption()):
                    errors.append(checks.Error(
                        "FIELD_ENCRYPTION_KEY does not decrypt the data already stored in "
                        f"{table}.{f.column}.",
                        hint="Put the key the data was written with back into FIELD_ENCRYPTION_KEY "
                             "(a new key goes first, the old ones after it, until `manage.py rotate_keys` "
                             "has finished).",
                        obj=spec.label, id="core.E101",
                    ))
                    break
            for f, index in spec.indexes:
                if not {f.column, index.column} <= stored:
                    continue
                rows = _end_values(table, pk, [f.column, index.column],
                                   where=f"{quote(index.column)} <> '' AND {quote(f.column)} IS NOT NULL")
                if any(row[1] not in blind_index_candidates(value)
                       for row in rows if (value := _decrypt(crypter, row[0])) is not None):
                    errors.append(checks.Error(
                        "BLIND_INDEX_KEY does not match the blind indexes stored in "
                        f"{table}.{index.column}: look-ups would find nothing.",
                        hint="Restore the previous BLIND_INDEX_KEY, or set it as BLIND_INDEX_KEY_PREVIOUS "
                             "beside the new key and run `manage.py rotate_keys`.",
                        obj=spec.label, id="core.E102",
                    ))
    except DatabaseError:
        return errors  # tables half-migrated: the migration itself will report
    return errors


def _rotation_cut_short_errors() -> list[checks.CheckMessage]:
    cut_short = rotation_cut_short()
    if cut_short is None:
        return []
    said = (f"The key rotation started on {cut_short.started_at:%Y-%m-%d %H:%M} UTC did not finish in this "
            "database (`rotate_keys` was stopped, or a backup taken while it ran was restored): the rows it "
            "had not reached are still under the key it rotated from, which ")
    hint = ("Put the old key back beside the new one and run `manage.py rotate_keys` until it prints "
            "*Key rotation finished*; only then remove the old key.")
    errors = []
    if cut_short.field_key_gone:
        errors.append(checks.Error(said + "FIELD_ENCRYPTION_KEY no longer lists.",
                                   hint=hint, obj="rotate_keys", id="core.E101"))
    if cut_short.blind_index_key_gone:
        errors.append(checks.Error(said + "neither BLIND_INDEX_KEY nor BLIND_INDEX_KEY_PREVIOUS is.",
                                   hint=hint, obj="rotate_keys", id="core.E102"))
    return errors


def refuse_to_start_on_errors(**kwargs) -> None:
    """Raise when the keys cannot read the stored data. Celery runs Django's checks at start-up but
    ignores their result, and a WSGI server runs none: their start-up calls this."""
    serious = [message for message in checks.run_checks(tags=[KEYS_TAG]) if message.is_serious()]
    if serious:
        raise SystemCheckError("\n".join(str(message) for message in serious))
