"""The bulk insert of a batch of imported consents (`consents.services.import_rows` calls it)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.db import connection
from django.utils.translation import gettext as _

from audit.services import audit_record_many
from consents.models import Consent, ConsentEvent, ConsentState, ConsentStatus
from consents.scope import utc_iso
from consents.selectors.records import answer_moment
from consents.services.records import answer_audit_data, consent_event_audit, state_written_at
from core.actors import Actor
from core.errors import Conflict

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
    "note",
)


def consents_insert(consents: list[Consent], *, source: str, actor: Actor, now: datetime) -> None:
    """Insert a batch of granted consents with their events, current-state rows and audit entries (one
    `consents.consent.granted` per consent, as a grant on a page leaves: the customer's proof bundle
    shows it given, and when and from which import).

    On PostgreSQL the append-only rows go in with COPY and the state rows with one set-based upsert:
    the ORM's per-field preparation costs more than the database work at 100,000 rows. Elsewhere
    (SQLite for development) the ORM's bulk operations do the same.

    A state row whose answer (`answer_moment`) is not older than an imported consent is never replaced
    by it: the batch is undone with `Conflict`. (A row holding a record voided as made in error holds no
    answer of the customer's.) The batch's lock on its customers and its judging already keep such a row
    out; this holds even if a path that records answers forgot the lock.
    """
    event_ids = _rows_insert(consents, source=source, actor=actor, now=now)
    audit_record_many(
        [
            consent_event_audit(
                consent,
                ConsentStatus.GRANTED.value,
                actor=actor,
                now=now,
                data=answer_audit_data(
                    notice_version=consent.notice.version,
                    channel=consent.channel,
                    guardian_id=consent.guardian_id,
                    sensitive_acknowledged=consent.sensitive_acknowledged,
                    child_agreed=consent.child_agreed,
                    source=source[:100],
                    answered_at=utc_iso(consent.granted_at),
                ),
                event_id=event_id,
            )
            for consent, event_id in zip(consents, event_ids, strict=True)
        ]
    )


def _rows_insert(consents: list[Consent], *, source: str, actor: Actor, now: datetime) -> list[uuid.UUID]:
    """The consents, their events and state rows written (`consents_insert`); the events' ids, in the
    consents' order. The state rows are stamped as they are written, not with the import's `now` (taken
    once at its start): the consent feed's cursor may have passed that start before this batch commits."""
    written_at = state_written_at()
    if connection.vendor != "postgresql":
        events = _events(consents, source=source, actor=actor, empty="")
        Consent.objects.bulk_create(consents, batch_size=1000)
        ConsentEvent.objects.bulk_create(
            [ConsentEvent(**dict(zip(EVENT_COLUMNS, e, strict=True))) for e in events], batch_size=1000
        )
        if _answered_later(consents):
            raise answered_meanwhile_error()
        ConsentState.objects.bulk_create(
            [
                ConsentState(
                    subject_id=c.subject_id,
                    purpose_id=c.purpose_id,
                    consent=c,
                    status=c.status,
                    notice_id=c.notice_id,
                    expires_at=None,
                    updated_at=written_at,
                )
                for c in consents
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["subject", "purpose"],
            update_fields=["consent", "status", "notice", "expires_at", "updated_at"],
        )
        return [e[0] for e in events]
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
        # COPY skips the fields' own preparation: the reason and note columns are encrypted, and an empty
        # one is stored as the field stores it, or the key check at start-up (subjects.checks) finds a
        # value no key reads and the platform refuses to start.
        empty = ConsentEvent._meta.get_field("reason").get_db_prep_save("", connection)
        events = _events(consents, source=source, actor=actor, empty=empty)
        with cursor.copy(
            f"COPY {ConsentEvent._meta.db_table} ({', '.join(EVENT_COLUMNS)}) FROM STDIN"
        ) as copy:
            for event in events:
                copy.write_row(event)
        # The condition is `_answered_later`'s, in the upsert itself: a state row another transaction
        # is writing is waited for and judged as it committed.
        cursor.execute(
            f"INSERT INTO {ConsentState._meta.db_table} AS state "  # noqa: S608 - table names from the models, values bound
            "(subject_id, purpose_id, consent_id, status, notice_id, expires_at, updated_at) "
            "SELECT s, p, c, %s, n, NULL, %s FROM UNNEST(%s::uuid[], %s::bigint[], %s::uuid[], %s::bigint[]) "
            "AS t(s, p, c, n) "
            "ON CONFLICT (subject_id, purpose_id) DO UPDATE SET consent_id = EXCLUDED.consent_id, "
            "status = EXCLUDED.status, notice_id = EXCLUDED.notice_id, expires_at = NULL, "
            "updated_at = EXCLUDED.updated_at "
            "WHERE state.status = %s "
            "OR (SELECT CASE WHEN o.status = %s THEN o.expires_at "
            f"ELSE COALESCE(o.ended_at, o.granted_at) END FROM {Consent._meta.db_table} o "
            "WHERE o.id = state.consent_id) "
            f"< (SELECT i.granted_at FROM {Consent._meta.db_table} i WHERE i.id = EXCLUDED.consent_id)",
            [
                ConsentStatus.GRANTED.value,
                written_at,
                [c.subject_id for c in consents],
                [c.purpose_id for c in consents],
                [c.pk for c in consents],
                [c.notice_id for c in consents],
                ConsentStatus.VOIDED.value,
                ConsentStatus.EXPIRED.value,
            ],
        )
        if cursor.rowcount != len(consents):  # a row the condition kept
            raise answered_meanwhile_error()
    return [e[0] for e in events]


def _events(consents: list[Consent], *, source: str, actor: Actor, empty: str) -> list[tuple]:
    """The granted events of the batch, in `EVENT_COLUMNS` order; `empty`, their reason and note, an
    empty text as the insert stores it."""
    return [
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
            empty,
            source,
            empty,
        )
        for c in consents
    ]


def _answered_later(consents: list[Consent]) -> bool:
    """Whether the state row of a consent's customer and purpose holds an answer not older than it."""
    granted = {(c.subject_id, c.purpose_id): c.granted_at for c in consents}
    states = (
        ConsentState.objects.filter(
            subject_id__in={s for s, _p in granted}, purpose_id__in={p for _s, p in granted}
        )
        .exclude(status=ConsentStatus.VOIDED)
        .values_list("subject_id", "purpose_id", answer_moment("consent__"))
    )
    return any((s, p) in granted and answered >= granted[s, p] for s, p, answered in states)


def answered_meanwhile_error() -> Conflict:
    return Conflict(
        _(
            "A customer in this part of the file answered for a purpose while it was being imported, and "
            "nothing of this part was imported. Import the file again: rows already imported are "
            "skipped, and the others are judged against that answer."
        ),
        code="answered_meanwhile",
    )
