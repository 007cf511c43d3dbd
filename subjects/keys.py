"""Field-encryption and blind-index keys: which columns they protect, and how data moves to new keys.

Every `Encrypted*` field of every installed model is found by introspection, so a new encrypted
column is rotated without anyone remembering to list it. A blind index is a `<name>_index` column
beside an encrypted `<name>` column of the same model.

Rotation works on raw column values so that ciphertext is never decrypted into model instances and
saved back (which would race with the application's own writes): each changed row is written with a
compare-and-swap `UPDATE … WHERE pk = … AND column = <the ciphertext read>`, so a row the platform
rewrote meanwhile (already under the new key) is left alone. Re-running is harmless: rows already
under the first key with current indexes are skipped.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from encrypted_model_fields.fields import EncryptedMixin, get_crypter

from audit.models import AuditEntry
from subjects.crypto import blind_index

ROTATION_STARTED = "core.keys.rotation_started"
ROTATION_FINISHED = "core.keys.rotation_finished"


@dataclass(frozen=True)
class EncryptedModel:
    """One model's encrypted columns and the blind indexes computed from some of them."""

    model: type[models.Model]
    fields: tuple[models.Field, ...]
    # (encrypted field, index field) pairs
    indexes: tuple[tuple[models.Field, models.Field], ...]

    @property
    def label(self) -> str:
        return self.model._meta.label


@dataclass
class BatchResult:
    scanned: int = 0
    reencrypted: int = 0
    reindexed: int = 0
    unreadable: int = 0
    last_pk: object = None
    columns: dict[str, int] = field(default_factory=dict)


def encrypted_models() -> list[EncryptedModel]:
    """Every concrete model with at least one encrypted column, in a stable order."""
    found = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.proxy or not model._meta.managed:
            continue
        encrypted = tuple(f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedMixin))
        if not encrypted:
            continue
        by_name = {f.name: f for f in model._meta.local_concrete_fields}
        indexes = tuple(
            (f, by_name[f"{f.name}_index"])
            for f in encrypted
            if isinstance(by_name.get(f"{f.name}_index"), models.CharField)
            and not isinstance(by_name[f"{f.name}_index"], EncryptedMixin)
        )
        found.append(EncryptedModel(model=model, fields=encrypted, indexes=indexes))
    return found


def field_crypter() -> MultiFernet:
    """All configured keys (the first encrypts, every one decrypts), read from the settings now."""
    return get_crypter()


def primary_key_fingerprint() -> str:
    """Identifies the current key pair in a rotation checkpoint without revealing either key."""
    material = f"{settings.FIELD_ENCRYPTION_KEY[0]}|{settings.BLIND_INDEX_KEY}".encode()
    return hashlib.sha256(b"rotate_keys-checkpoint|" + material).hexdigest()[:16]


def key_fingerprint(key: str) -> str:
    """Names a key in the trail without revealing it."""
    return hashlib.sha256(b"key-fingerprint|" + key.encode()).hexdigest()[:16]


def rotation_keys_rotated_from() -> dict:
    """The keys a rotation starting now moves data off, by fingerprint, as `rotate_keys` records them in
    its `core.keys.rotation_started` entry (`rotation_cut_short`)."""
    previous = settings.BLIND_INDEX_KEY_PREVIOUS
    return {
        "old_field_keys": [key_fingerprint(key) for key in settings.FIELD_ENCRYPTION_KEY[1:]],
        "previous_blind_index_key_id": key_fingerprint(previous) if previous else "",
    }


class RotationCutShort(NamedTuple):
    started_at: datetime
    field_key_gone: bool
    blind_index_key_gone: bool


def rotation_cut_short() -> RotationCutShort | None:
    """The last rotation, when `rotate_keys` did not finish it in this database (stopped, or a backup
    taken while it ran was restored) and a key it rotated from is no longer configured; else None.
    The rows it had not reached are still under that key wherever they stand in primary-key order: the
    platform writes under the new key meanwhile, new rows last and edits anywhere, so no row read can
    tell. Two reads of the trail's (action, sequence) index."""
    started = AuditEntry.objects.filter(action=ROTATION_STARTED).order_by("-sequence").first()
    if started is None or AuditEntry.objects.filter(
            action=ROTATION_FINISHED, sequence__gt=started.sequence).exists():
        return None
    field_keys = {key_fingerprint(key) for key in settings.FIELD_ENCRYPTION_KEY}
    blind_keys = {key_fingerprint(key) for key in (settings.BLIND_INDEX_KEY,
                                                   settings.BLIND_INDEX_KEY_PREVIOUS) if key}
    field_key_gone = not set(started.data.get("old_field_keys", ())) <= field_keys
    previous = started.data.get("previous_blind_index_key_id", "")
    blind_index_key_gone = bool(previous) and previous not in blind_keys
    if not (field_key_gone or blind_index_key_gone):
        return None
    return RotationCutShort(started.recorded_at, field_key_gone, blind_index_key_gone)


def _select_batch(spec: EncryptedModel, *, after: object, size: int) -> list[tuple]:
    quote = connection.ops.quote_name
    meta = spec.model._meta
    pk = quote(meta.pk.column)
    columns = [f.column for f in spec.fields] + [index.column for _f, index in spec.indexes]
    sql = f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {quote(meta.db_table)}"  # noqa: S608 (names are quoted model metadata)
    params: list[object] = []
    if after is not None:
        sql += f" WHERE {pk} > %s"
        params.append(after)
    sql += f" ORDER BY {pk} LIMIT %s"
    params.append(size)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _plan_row(spec: EncryptedModel, row: tuple, *, crypter: MultiFernet, primary: Fernet,
              result: BatchResult) -> dict[str, tuple[object, object]]:
    """The column changes one row needs, as {column: (value read, value to write)}."""
    values = dict(
        zip([f.column for f in spec.fields] + [i.column for _f, i in spec.indexes], row[1:], strict=True)
    )
    changes: dict[str, tuple[object, object]] = {}
    plaintext: dict[str, str | None] = {}
    for f in spec.fields:
        token = values[f.column]
        if token is None:
            plaintext[f.name] = None
            continue
        if isinstance(token, bytes):
            token = token.decode()
        try:
            plaintext[f.name] = crypter.decrypt(token.encode()).decode()
        except InvalidToken:
            # Written with a key we do not hold: never rewrite it (that would lose it for good).
            result.unreadable += 1
            plaintext[f.name] = None
            continue
        try:
            primary.decrypt(token.encode())
        except InvalidToken:
            changes[f.column] = (token, crypter.rotate(token.encode()).decode())
    for f, index in spec.indexes:
        if f.name not in plaintext or (plaintext[f.name] is None and values[f.column] is not None):
            continue
        expected = blind_index(plaintext[f.name] or "")
        if values[index.column] != expected:
            changes[index.column] = (values[index.column], expected)
    return changes


def rotate_batch(spec: EncryptedModel, *, after: object, size: int) -> BatchResult:
    """Re-encrypt under the first key and recompute blind indexes for up to `size` rows after `after`.

    One short transaction per batch, so the platform's own writes wait at most one batch; the
    compare-and-swap update leaves alone any row the platform changed since it was read.
    """
    crypter = field_crypter()
    primary = Fernet(settings.FIELD_ENCRYPTION_KEY[0])
    result = BatchResult()
    quote = connection.ops.quote_name
    meta = spec.model._meta
    index_columns = {index.column for _f, index in spec.indexes}
    with transaction.atomic(durable=True):
        rows = _select_batch(spec, after=after, size=size)
        for row in rows:
            result.scanned += 1
            result.last_pk = row[0]
            changes = _plan_row(spec, row, crypter=crypter, primary=primary, result=result)
            if not changes:
                continue
            assignments = ", ".join(f"{quote(column)} = %s" for column in changes)
            guards = " AND ".join(
                f"{quote(column)} IS NULL" if old is None else f"{quote(column)} = %s"
                for column, (old, _new) in changes.items()
            )
            params = [new for _old, new in changes.values()] + [row[0]]
            params += [old for old, _new in changes.values() if old is not None]
            with connection.cursor() as cursor:
                sql = (
                    f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
                    f"WHERE {quote(meta.pk.column)} = %s AND {guards}"
                )
                cursor.execute(sql, params)
                if cursor.rowcount != 1:
                    continue
            if any(column not in index_columns for column in changes):
                result.reencrypted += 1
            if any(column in index_columns for column in changes):
                result.reindexed += 1
            for column in changes:
                result.columns[column] = result.columns.get(column, 0) + 1
    return result
