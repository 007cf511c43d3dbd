"""The audit chain as the verification reads it: every entry's sealed fields, in sequence order, as light
rows streamed from the database."""
from __future__ import annotations

import json
import json.scanner
from collections import namedtuple

from django.db import connections, router, transaction

from audit.models import AuditEntry

# What the verification reads of each entry: the fields the seal covers, the seal and its key.
_CHAIN_FIELDS = (
    "pk", "sequence", "recorded_at", "actor_kind", "actor_user_id", "actor_label", "action", "target_type",
    "target_id", "subject_id", "data", "request_id", "ip", "prev_hash", "entry_hash", "mac_key_id",
)
ChainRow = namedtuple("ChainRow", _CHAIN_FIELDS, rename=True)
_DATA = _CHAIN_FIELDS.index("data")
# The C scanner `json.loads` ends in, without its checks for text the database never sends (a
# leading byte-order mark, surrounding white space): (value, end) of the JSON value at an offset.
_json_value = json.scanner.make_scanner(json.JSONDecoder())
# On PostgreSQL the server writes out the time and the subject id as the seal's text has them, which
# spares the client parsing a datetime and a UUID only to print them again (most of a verification's
# time after the hash itself).
_CHAIN_SQL = (
    "SELECT id, sequence, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), "
    "actor_kind, actor_user_id, actor_label, action, target_type, target_id, subject_id::text, data, "
    "request_id, ip, prev_hash, entry_hash, mac_key_id FROM audit_auditentry "
    "WHERE sequence BETWEEN %s AND %s ORDER BY sequence"
)
LAST_SEQUENCE = 2**63 - 1  # the column's largest value: "to the end of the chain"


def chain_in_order(batch_size: int, *, first_sequence: int = 1, last_sequence: int = LAST_SEQUENCE):
    """The entries from `first_sequence` to `last_sequence`, in sequence order, as light rows (no
    model instance), streamed in batches.

    On PostgreSQL the rows come from a server-side cursor inside a transaction: outside one Django
    declares the cursor WITH HOLD, and PostgreSQL then materialises the whole result before the
    first row arrives (gigabytes for a bank's trail). SQLite reads in batches without a transaction,
    which there would take the write lock for the whole verification.
    """
    database = router.db_for_read(AuditEntry)
    connection = connections[database]
    if connection.vendor != "postgresql":
        entries = AuditEntry.objects.using(database).filter(
            sequence__gte=first_sequence, sequence__lte=last_sequence
        ).order_by("sequence")
        yield from entries.values_list(*_CHAIN_FIELDS, named=True).iterator(chunk_size=batch_size)
        return
    with transaction.atomic(using=database), connection.chunked_cursor() as cursor:
        cursor.execute(_CHAIN_SQL, [first_sequence, last_sequence])
        make = ChainRow._make
        while rows := cursor.fetchmany(batch_size):
            for row in rows:
                # Django reads jsonb as text and leaves decoding to the field; so does this.
                yield make((*row[:_DATA], _json_value(row[_DATA], 0)[0], *row[_DATA + 1:]))
