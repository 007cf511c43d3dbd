"""Reading and judging the rows of a consent import, batch by batch; `consents.services.imports`
(whose docstring gives the rules and the columns) runs it."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from consents.models import Consent, ConsentImport, ConsentStatus, NoticeVersion, Purpose
from consents.scope import consent_snapshot
from consents.services.import_insert import consents_insert
from consents.services.records import grant_build
from consents.services.rules import GrantRequest, grant_validate
from core.actors import Actor
from core.errors import Conflict, DomainError, InvalidInput
from core.moments import parse_moment
from integrations.jobs import job_checkpoint
from integrations.models import BackgroundJob
from subjects.models import DataSubject

# A file is proof of nothing by itself: each row says when the customer consented and where the
# proof is (the signed form's scan, the legacy system's record), as the receipt will repeat it.
REQUIRED_COLUMNS = ("subject", "purpose", "notice_version", "channel", "evidence", "granted_at")
OPTIONAL_COLUMNS = ("guardian", "sensitive_acknowledged", "child_agreed", "child_evidence")
# The columns a row's import key is made of, in the order keys were first made in, so a file imported
# before gives the same keys; the child columns were added later and count only when filled.
KEY_COLUMNS = ("subject", "purpose", "notice_version", "channel", "evidence", "granted_at", "guardian",
               "sensitive_acknowledged")
CHILD_COLUMNS = ("child_agreed", "child_evidence")
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
    parts = [row.get(c, "") for c in KEY_COLUMNS]
    parts += [row[c] for c in CHILD_COLUMNS if row.get(c)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _parse_when(value: str, now: datetime) -> datetime:
    if not value:
        raise InvalidInput(_("granted_at is empty: give the day the customer consented (the day of the "
                             "import proves nothing)."))
    try:
        moment = parse_moment(value, field="granted_at", day_starts_at=time(12, 0))
    except InvalidInput:
        raise InvalidInput(_("granted_at is not a date (use YYYY-MM-DD or an ISO date-time).")) from None
    if moment > now:
        raise InvalidInput(_("granted_at is in the future."))
    return moment


def rows_reader(lines: Iterable[str]) -> csv.DictReader:
    reader = csv.DictReader(lines)
    header = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            _("The file lacks the columns: %(columns)s."), field="file", columns=", ".join(missing)
        )
    reader.fieldnames = header
    return reader


def unreadable_error(line: int, imported: int) -> InvalidInput:
    return InvalidInput(
        _("Line %(line)s cannot be read: a field longer than %(limit)s characters, a stray quote or NUL "
          "byte, or text that is not UTF-8. The import stopped there; %(imported)s rows before it were "
          "imported. Correct the file and import it again: nothing is imported twice."),
        field="file", line=line, limit=f"{csv.field_size_limit():,}", imported=imported,
    )


def rows_import(
    run: ConsentImport,
    reader: csv.DictReader,
    *,
    actor: Actor,
    now: datetime,
    batch_size: int,
    job: BackgroundJob | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[int | None, bool]:
    """Read the rows after the job's cursor in batches; return (unreadable line or None, stopped early)."""
    common: dict[str, Any] = {"actor": actor, "catalogue": _Catalogue(), "now": now, "job": job}
    skip_to = job.cursor if job is not None else 0
    batch: list[tuple[int, dict[str, str]]] = []
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
            if batch:
                _import_batch(run, batch, cursor=last_line, **common)
            return last_line + 1, False
        last_line = reader.line_num
        if last_line <= skip_to:
            continue  # committed by an earlier worker, cursor and all
        batch.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
        if len(batch) >= batch_size:
            _import_batch(run, batch, cursor=last_line, **common)
            batch = []
            if should_stop():
                return None, True
    if batch:
        _import_batch(run, batch, cursor=last_line, **common)
    return None, False


def import_finish(run: ConsentImport, *, actor: Actor, now: datetime, unreadable: int | None) -> None:
    """Close the run with its audit entry, in the caller's transaction."""
    if unreadable is not None:
        run.rows += 1
        _refuse(
            run, unreadable, _("This line cannot be read as UTF-8 CSV; the rest of the file was not read.")
        )
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
    job: BackgroundJob | None = None,
    cursor: int = 0,
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
        last_answers = _last_answers([s.pk for s in subjects.values()])
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
            last_answer = last_answers.get((consent.subject_id, consent.purpose_id))
            if last_answer is not None and _not_after(row, consent.granted_at, last_answer):
                _refuse(run, line, _(
                    "The customer gave a later answer for this purpose (on %(day)s): a withdrawal, a "
                    "refusal or a newer consent. An older consent from a file cannot replace it."
                ) % {"day": timezone.localtime(last_answer).date().isoformat()})
                continue
            live.add((consent.subject_id, consent.purpose_id))
            seen_keys.add(key)
            consents.append(consent)
        if consents:
            consents_insert(consents, source=f"import:{run.pk}", actor=actor, now=now)
            run.imported += len(consents)
            audit_record(
                action="consents.import.batch_imported",
                actor=actor,
                target=run,
                now=now,
                data={"first_line": batch[0][0], "last_line": batch[-1][0], "imported": len(consents)},
            )
        ConsentImport.objects.filter(pk=run.pk).update(
            rows=run.rows, imported=run.imported, already_imported=run.already_imported, refused=run.refused,
            errors=run.errors,
        )
        if job is not None and not job_checkpoint(
            job, expected_cursor=job.cursor, cursor=cursor, done=run.rows, refused=run.refused,
            report=run.errors, now=timezone.now(),
        ):
            # Another worker moved the cursor (or the job ended): this batch is theirs; undo ours.
            raise Conflict(_("Another worker is importing this file."))



def _not_after(row: dict[str, str], granted_at: datetime, last_answer: datetime) -> bool:
    """Whether a row's consent is not later than the customer's last answer. A row with a date and no
    time (read as noon) cannot be placed within its day, so the day is compared: an answer given
    that day counts as later."""
    if len(row.get("granted_at", "")) == len("YYYY-MM-DD"):
        return timezone.localdate(granted_at) <= timezone.localdate(last_answer)
    return granted_at <= last_answer


def _last_answers(subject_ids: list) -> dict[tuple, datetime]:
    """When each customer last answered each purpose: a grant, or the withdrawal, refusal or expiry
    that ended one. A consent from a file is older evidence and may not overturn a later answer."""
    return {
        (row["subject_id"], row["purpose_id"]): row["last"]
        for row in Consent.objects.filter(subject__in=subject_ids)
        .values("subject_id", "purpose_id")
        .annotate(last=Max(Coalesce("ended_at", "granted_at")))
    }


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
    # The rules ask for evidence on some channels only; a row from a file needs it on every one.
    if not row.get("evidence"):
        raise InvalidInput(_("evidence is empty: give the reference of the signed form's scan or of the "
                             "record in the system the consent comes from."))
    return grant_build(
        request,
        notice=notice,
        actor=actor,
        now=granted_at,
        snapshot=catalogue.snapshot(purpose, notice),
        import_key=key,
    )
