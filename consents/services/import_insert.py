"""The bulk insert of a batch of imported consents (`consents.services.import_rows` calls it)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.db import connection

from consents.models import Consent, ConsentEvent, ConsentState, ConsentStatus
from core.actors import Actor

CONSENT_COLUMNS = (
    "id",
    "subject_id",
    "purpose_id",
    "notice_id",
    "guardian_id",
    "status",
    "channel",
    "evidence",
    "sensitive_acknowledged",
    "recorded_by_kind",
    "recorded_by_user_id",
    "recorded_by_label",
    "granted_at",
    "expires_at",
    "ended_at",
    "withdrawn_at",
    "withdrawal_channel",
    "import_key",
    "created_at",
    "child_agreed",
    "child_evidence",
    "snapshot",
    "session_ref",
    "device",
)
EVENT_COLUMNS = (
    "id",
    "consent_id",
    "subject_id",
    "kind",
    "at",
    "channel",
    "actor_kind",
    "actor_user_id",
    "actor_label",
    "reason",
    "source",
)


def consents_insert(consents: list[Consent], *, source: str, actor: Actor, now: datetime) -> None:
    """Insert a batch of granted consents with their events and current-state rows.

    On PostgreSQL the append-only rows go in with COPY and the state rows with one set-based upsert:
    the ORM's per-field preparation costs more than the database work at 100,000 rows. Elsewhere
    (SQLite for development) the ORM's bulk operations do the same.
    """
    events = [
        (
            uuid.uuid4(),
            c.pk,
            c.subject_id,
            ConsentEvent.Kind.GRANTED,
            c.granted_at,
            c.channel,
            actor.kind,
            actor.user_id,
            actor.label[:150],
            "",
            source,
        )
        for c in consents
    ]
    if connection.vendor != "postgresql":
        Consent.objects.bulk_create(consents, batch_size=1000)
        ConsentEvent.objects.bulk_create(
            [ConsentEvent(**dict(zip(EVENT_COLUMNS, e, strict=True))) for e in events], batch_size=1000
        )
        ConsentState.objects.bulk_create(
            [
                ConsentState(
                    subject_id=c.subject_id,
                    purpose_id=c.purpose_id,
                    consent=c,
                    status=c.status,
                    notice_id=c.notice_id,
                    expires_at=None,
                    updated_at=now,
                )
                for c in consents
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["subject", "purpose"],
            update_fields=["consent", "status", "notice", "expires_at", "updated_at"],
        )
        return
    for consent in consents:
        consent.created_at = now
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {Consent._meta.db_table} ({', '.join(CONSENT_COLUMNS)}) FROM STDIN") as copy:
            for consent in consents:
                copy.write_row(
                    tuple(
                        json.dumps(consent.snapshot) if column == "snapshot" else getattr(consent, column)
                        for column in CONSENT_COLUMNS
                    )
                )
        with cursor.copy(
            f"COPY {ConsentEvent._meta.db_table} ({', '.join(EVENT_COLUMNS)}) FROM STDIN"
        ) as copy:
            for event in events:
                copy.write_row(event)
        cursor.execute(
            f"INSERT INTO {ConsentState._meta.db_table} "  # noqa: S608 - table name from the model, values bound
            "(subject_id, purpose_id, consent_id, status, notice_id, expires_at, updated_at) "
            "SELECT s, p, c, %s, n, NULL, %s FROM UNNEST(%s::uuid[], %s::bigint[], %s::uuid[], %s::bigint[]) "
            "AS t(s, p, c, n) "
            "ON CONFLICT (subject_id, purpose_id) DO UPDATE SET consent_id = EXCLUDED.consent_id, "
            "status = EXCLUDED.status, notice_id = EXCLUDED.notice_id, expires_at = NULL, "
            "updated_at = EXCLUDED.updated_at",
            [
                ConsentStatus.GRANTED.value,
                now,
                [c.subject_id for c in consents],
                [c.purpose_id for c in consents],
                [c.pk for c in consents],
                [c.notice_id for c in consents],
            ],
        )

