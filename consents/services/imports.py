"""Bulk import of existing consents from CSV (a bank moving off paper and legacy systems).

The file is streamed and handled in batches, so memory stays flat whatever its size. Each row is
judged by the same rules as any grant (`grant_validate`, against the notice in effect and the
customer's age on the day the consent was given); a bad row is reported with its line number and
reason and the good rows are imported. Every row carries a stable import key (a hash of its
content), so a re-run of the same file imports nothing twice. Each batch commits with its audit
entry; an interrupted run is resumed by running the same file again.

Columns: subject, purpose, notice_version, channel, evidence, granted_at (ISO date or date-time,
local time when no offset), guardian (optional CIF), sensitive_acknowledged (optional yes/true/1),
child_agreed (optional yes/true/1) and child_evidence for a child of 7 to under 16.
"""

from __future__ import annotations

import csv
import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from consents.catalogue import catalogue_invalidate
from consents.models import (
    Consent,
    ConsentEvent,
    ConsentImport,
    ConsentState,
    ConsentStatus,
    NoticeVersion,
    Purpose,
)
from consents.scope import consent_snapshot
from consents.services.records import GrantRequest, grant_validate
from core.actors import Actor
from core.errors import DomainError, InvalidInput
from core.moments import parse_moment
from subjects.models import DataSubject

REQUIRED_COLUMNS = ("subject", "purpose", "notice_version", "channel")
OPTIONAL_COLUMNS = ("evidence", "granted_at", "guardian", "sensitive_acknowledged")
# Added later: they enter a row's import key only when filled, so files imported before keep their keys.
CHILD_COLUMNS = ("child_agreed", "child_evidence")
BATCH_SIZE = 2000
MAX_ERRORS_KEPT = 1000
TRUE_WORDS = {"1", "true", "yes", "y", "x", "có", "co"}


class _Catalogue:
    """Purposes and their notices, loaded once per run (a few dozen rows)."""

    def __init__(self) -> None:
        self.purposes = {p.code: p for p in Purpose.objects.all()}
        self.notices: dict[int, list[NoticeVersion]] = {}
        for notice in NoticeVersion.objects.order_by("effective_at"):
            self.notices.setdefault(notice.purpose_id, []).append(notice)

        self.snapshots: dict[int, dict[str, Any]] = {}

    def notice_at(self, purpose: Purpose, when: datetime) -> NoticeVersion | None:
        effective = [n for n in self.notices.get(purpose.pk, []) if n.effective_at <= when]
        return effective[-1] if effective else None

    def snapshot(self, purpose: Purpose, notice: NoticeVersion) -> dict[str, Any]:
        """What the receipt of a consent to this version shows: the same for every row."""
        if notice.pk not in self.snapshots:
            self.snapshots[notice.pk] = consent_snapshot(purpose, notice)
        return self.snapshots[notice.pk]


def _import_key(row: dict[str, str]) -> str:
    parts = [row.get(c, "") for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    parts += [row[c] for c in CHILD_COLUMNS if row.get(c)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _parse_when(value: str, now: datetime) -> datetime:
    if not value:
        return now
    try:
        moment = parse_moment(value, field="granted_at", day_starts_at=time(12, 0))
    except InvalidInput:
        raise InvalidInput(_("granted_at is not a date (use YYYY-MM-DD or an ISO date-time).")) from None
    if moment > now:
        raise InvalidInput(_("granted_at is in the future."))
    return moment


def consents_import_csv(
    *,
    actor: Actor,
    lines: Iterable[str],
    filename: str,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> ConsentImport:
    """Import consents from CSV text lines (an open text file or any iterable of lines)."""
    now = now or timezone.now()
    reader = csv.DictReader(lines)
    header = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            _("The file lacks the columns: %(columns)s."), field="file", columns=", ".join(missing)
        )
    reader.fieldnames = header
    with transaction.atomic(durable=True):
        run = ConsentImport.objects.create(
            filename=filename[:255], started_at=now, actor_label=actor.label[:150]
        )
    catalogue = _Catalogue()
    batch: list[tuple[int, dict[str, str]]] = []
    unreadable = None
    last_line = reader.line_num
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError):
            # The reader cannot find the next row's start after this, so the file stops here; the
            # rows read so far are imported and the run is finished, never left half-open.
            unreadable = last_line + 1
            break
        last_line = reader.line_num
        batch.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
        if len(batch) >= batch_size:
            _import_batch(run, batch, actor=actor, catalogue=catalogue, now=now)
            batch = []
    if batch:
        _import_batch(run, batch, actor=actor, catalogue=catalogue, now=now)
    if unreadable is not None:
        run.rows += 1
        _refuse(
            run, unreadable, _("This line cannot be read as UTF-8 CSV; the rest of the file was not read.")
        )
    with transaction.atomic(durable=True):
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at", "rows", "imported", "already_imported", "refused", "errors"])
        audit_record(
            action="consents.import.completed",
            actor=actor,
            target=run,
            now=now,
            data={
                "rows": run.rows,
                "imported": run.imported,
                "already_imported": run.already_imported,
                "refused": run.refused,
                "stopped_at_line": unreadable,
            },
        )
    catalogue_invalidate()
    if unreadable is not None:
        raise InvalidInput(
            _("Line %(line)s cannot be read: a field longer than %(limit)s characters, a stray quote or NUL "
              "byte, or text that is not UTF-8. The import stopped there; %(imported)s rows before it were "
              "imported. Correct the file and import it again: nothing is imported twice."),
            field="file", line=unreadable, limit=f"{csv.field_size_limit():,}", imported=run.imported,
        )
    return run


def _refuse(run: ConsentImport, line: int, reason: str) -> None:
    run.refused += 1
    if len(run.errors) < MAX_ERRORS_KEPT:
        run.errors.append({"line": line, "reason": reason})


def _import_batch(
    run: ConsentImport,
    batch: list[tuple[int, dict[str, str]]],
    *,
    actor: Actor,
    catalogue: _Catalogue,
    now: datetime,
) -> None:
    run.rows += len(batch)
    keyed = [(line, row, _import_key(row)) for line, row in batch]
    refs = {row.get("subject", "") for _l, row, _k in keyed} | {
        row.get("guardian", "") for _l, row, _k in keyed
    }
    with transaction.atomic(durable=True):
        done = set(
            Consent.objects.filter(import_key__in=[k for _l, _r, k in keyed]).values_list(
                "import_key", flat=True
            )
        )
        # Only what the rules need is loaded, so only the date of birth is decrypted.
        subjects = {
            s.external_ref: s
            for s in DataSubject.objects.filter(external_ref__in=refs - {""}).only(
                "id", "external_ref", "date_of_birth", "guardian_id", "guardian_verified_at"
            )
        }
        live = set(
            Consent.objects.filter(
                subject__in=[s.pk for s in subjects.values()], status=ConsentStatus.GRANTED
            ).values_list("subject_id", "purpose_id")
        )
        consents: list[Consent] = []
        seen_keys: set[str] = set()
        for line, row, key in keyed:
            if key in done or key in seen_keys:
                run.already_imported += 1
                continue
            try:
                consent = _row_to_consent(
                    row, key=key, subjects=subjects, catalogue=catalogue, actor=actor, now=now
                )
            except DomainError as error:
                _refuse(run, line, error.text)
                continue
            if (consent.subject_id, consent.purpose_id) in live:
                _refuse(run, line, _("The customer already has a live consent to this purpose."))
                continue
            live.add((consent.subject_id, consent.purpose_id))
            seen_keys.add(key)
            consents.append(consent)
        if consents:
            _write(consents, source=f"import:{run.pk}", actor=actor, now=now)
            run.imported += len(consents)
            audit_record(
                action="consents.import.batch_imported",
                actor=actor,
                target=run,
                now=now,
                data={"first_line": batch[0][0], "last_line": batch[-1][0], "imported": len(consents)},
            )
        ConsentImport.objects.filter(pk=run.pk).update(
            rows=run.rows, imported=run.imported, already_imported=run.already_imported, refused=run.refused
        )


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


def _write(consents: list[Consent], *, source: str, actor: Actor, now: datetime) -> None:
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


def _row_to_consent(
    row: dict[str, str],
    *,
    key: str,
    subjects: dict[str, DataSubject],
    catalogue: _Catalogue,
    actor: Actor,
    now: datetime,
) -> Consent:
    subject = subjects.get(row.get("subject", ""))
    if subject is None:
        raise InvalidInput(_("No customer with this customer number (CIF)."))
    purpose = catalogue.purposes.get(row.get("purpose", ""))
    if purpose is None:
        raise InvalidInput(_("No purpose with this code."))
    guardian = None
    if row.get("guardian"):
        guardian = subjects.get(row["guardian"])
        if guardian is None:
            raise InvalidInput(_("No customer with the guardian's customer number (CIF)."))
    granted_at = _parse_when(row.get("granted_at", ""), now)
    notice = catalogue.notice_at(purpose, granted_at)
    request = GrantRequest(
        subject=subject,
        purpose=purpose,
        notice_version=row.get("notice_version", ""),
        channel=row.get("channel", ""),
        evidence=row.get("evidence", ""),
        guardian=guardian,
        sensitive_acknowledged=row.get("sensitive_acknowledged", "").lower() in TRUE_WORDS,
        child_agreed=row.get("child_agreed", "").lower() in TRUE_WORDS,
        child_evidence=row.get("child_evidence", ""),
    )
    # The rules are judged on the day the consent was given: the notice then in effect, the age then.
    grant_validate(request, now=granted_at, current_notice=notice)
    values: dict[str, Any] = {
        "subject_id": subject.pk,
        "purpose_id": purpose.pk,
        "notice_id": notice.pk,
        "guardian_id": guardian.pk if guardian else None,
        "status": ConsentStatus.GRANTED,
        "channel": request.channel,
        "evidence": request.evidence,
        "sensitive_acknowledged": request.sensitive_acknowledged,
        "child_agreed": request.child_agreed,
        "child_evidence": request.child_evidence,
        "snapshot": catalogue.snapshot(purpose, notice),
        "recorded_by_kind": actor.kind,
        "recorded_by_user_id": actor.user_id,
        "recorded_by_label": actor.label[:150],
        "granted_at": granted_at,
        "import_key": key,
    }
    return Consent(**values)
