"""Reading and judging the rows of a consent import, batch by batch; `consents.services.imports`
(whose docstring gives the rules and the columns) runs it, `consents.services.import_columns` reads
each row."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from audit.services import audit_record
from consents.models import Consent, ConsentEvent, ConsentImport, ConsentStatus, Purpose
from consents.selectors.records import answer_moment
from consents.selectors.rule import consent_outgrown
from consents.services.grants import consent_grant_in_transaction
from consents.services.import_columns import (
    GRANTED,
    REFUSED,
    WITHDRAWN,
    ImportCatalogue,
    import_key,
    not_after,
    outcome,
    row_to_consent,
    row_to_refusal_or_withdrawal,
)
from consents.services.import_endings import outgrown_on_import, withdrawal_row_record
from consents.services.import_file import NotUtf8
from consents.services.import_insert import consents_insert
from consents.services.records import consent_expire_ended
from consents.services.refusals import consent_refuse_in_transaction, refusal_needs_withdrawal_error
from core.actors import Actor
from core.errors import Conflict, DomainError, InvalidInput
from integrations.jobs import job_checkpoint
from integrations.models import BackgroundJob
from subjects.locks import subjects_locked
from subjects.validators import cif_pick, cif_spellings

MAX_ERRORS_KEPT = 1000


@dataclass(frozen=True)
class Stop:
    """The line where the file stopped being readable: not UTF-8 text, or not CSV the reader can
    follow (a field past the size limit, a stray quote)."""

    line: int
    not_utf8: bool = False


def unreadable_error(line: int, imported: int, *, not_utf8: bool = False) -> InvalidInput:
    if not_utf8:
        return InvalidInput(
            _("Line %(line)s is not UTF-8 text: the file was probably saved as Windows-1258 or ANSI. The "
              "import stopped there; %(imported)s rows before it were imported. Save the file as CSV "
              "UTF-8 and import it again: nothing is imported twice."),
            field="file", line=line, imported=_grouped(imported),
        )
    return InvalidInput(
        _("Line %(line)s cannot be read: a field longer than %(limit)s characters, a stray quote or NUL "
          "byte, or text that is not UTF-8. The import stopped there; %(imported)s rows before it were "
          "imported. Correct the file and import it again: nothing is imported twice."),
        field="file", line=line, limit=_grouped(csv.field_size_limit()), imported=_grouped(imported),
    )


def _grouped(number: int) -> str:
    """A count as the reader's language writes it: 131.072 in Vietnamese, 131,072 in English."""
    return number_format(number, force_grouping=True)


def rows_import(
    run: ConsentImport,
    reader: csv.DictReader,
    *,
    actor: Actor,
    now: datetime,
    batch_size: int,
    job: BackgroundJob | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[Stop | None, bool]:
    """Read the rows after the job's cursor in batches; return (where the file could not be read, or
    None; stopped early)."""
    common: dict[str, Any] = {"actor": actor, "catalogue": ImportCatalogue(), "now": now, "job": job}
    skip_to = job.cursor if job is not None else 0
    batch: list[tuple[int, dict[str, str]]] = []
    last_line = reader.line_num
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except (csv.Error, NotUtf8, UnicodeDecodeError) as error:
            # The reader cannot find the next row's start after this, so the file stops here; the
            # rows read so far are imported and the run is finished, never left half-open.
            if batch:
                _import_batch(run, batch, cursor=last_line, **common)
            if isinstance(error, NotUtf8):
                return Stop(error.line, not_utf8=True), False
            # Lines a caller decoded itself (not through `text_lines`) name no line of their own.
            return Stop(last_line + 1, not_utf8=isinstance(error, UnicodeDecodeError)), False
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


def import_finish(run: ConsentImport, *, actor: Actor, now: datetime, unreadable: Stop | None) -> None:
    """Close the run with its audit entry, in the caller's transaction."""
    if unreadable is not None:
        run.rows += 1
        _refuse(run, unreadable.line, (
            _("This line is not UTF-8 text; the rest of the file was not read.") if unreadable.not_utf8
            else _("This line cannot be read as UTF-8 CSV; the rest of the file was not read.")
        ))
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at", *COUNTS])
    audit_record(
        action="consents.import.completed",
        actor=actor,
        target=run,
        now=now,
        data={
            "rows": run.rows,
            "imported": run.imported,
            "refusals_recorded": run.refusals_recorded,
            "withdrawals_recorded": run.withdrawals_recorded,
            "already_imported": run.already_imported,
            "refused": run.refused,
            "stopped_at_line": unreadable.line if unreadable else None,
        },
    )



# The run's counts and report, saved with each batch and at the end.
COUNTS = ("rows", "imported", "refusals_recorded", "withdrawals_recorded", "already_imported", "refused",
          "errors", "notes")


def _refuse(run: ConsentImport, line: int, reason: str) -> None:
    run.refused += 1
    if len(run.errors) < MAX_ERRORS_KEPT:
        run.errors.append({"line": line, "reason": reason})


def _note(run: ConsentImport, line: int, note: str) -> None:
    if len(run.notes) < MAX_ERRORS_KEPT:
        run.notes.append({"line": line, "note": note})


def _import_batch(
    run: ConsentImport,
    batch: list[tuple[int, dict[str, str]]],
    *,
    actor: Actor,
    catalogue: ImportCatalogue,
    now: datetime,
    job: BackgroundJob | None = None,
    cursor: int = 0,
) -> None:
    run.rows += len(batch)
    keyed = [(line, row, import_key(row)) for line, row in batch]
    refs = {row.get("subject", "") for _l, row, _k in keyed} | {
        row.get("guardian", "") for _l, row, _k in keyed
    }
    with transaction.atomic(durable=True):
        keys = [k for _l, _r, k in keyed]
        # A grant's or refusal's key is on its consent, a withdrawal's on its event.
        done = set(Consent.objects.filter(import_key__in=keys).values_list("import_key", flat=True)) | set(
            ConsentEvent.objects.filter(import_key__in=keys).values_list("import_key", flat=True)
        )
        # The customers are locked before their answers are read, as every grant and refusal locks its
        # customer first (`answer_start`): an answer given while the batch runs comes after it, one being
        # recorded as it starts is waited for and judged against. In id order (`subjects_locked`), so
        # batches cannot deadlock, and before the batch's first audit entry locks the chain's head, as
        # everywhere else.
        # Only what the rules need is loaded, so only the date of birth is decrypted.
        stored = {
            s.external_ref: s
            for s in subjects_locked(external_ref__in=set().union(*map(cif_spellings, refs))).only(
                "id", "external_ref", "date_of_birth", "guardian_id", "guardian_verified_at"
            )
        }
        # Keyed by the CIF as the file writes it, which names its customer by the one rule (`cif_pick`):
        # "cif0000902" is CIF0000902, as on every other path.
        subjects = {ref: subject for ref in refs if (subject := cif_pick(stored, ref)) is not None}
        subject_ids = list({s.pk for s in subjects.values()})
        # Each live consent's end of term (None: open-ended, or imported by an earlier row of the file),
        # and the record of those in the database, which a row may replace once the customer outgrew it.
        live_records = {
            (c.subject_id, c.purpose_id): c
            for c in Consent.objects.filter(subject__in=subject_ids, status=ConsentStatus.GRANTED).only(
                "subject_id", "purpose_id", "expires_at", "guardian_id", "child_agreed"
            )
        }
        live = {pair: consent.expires_at for pair, consent in live_records.items()}
        last_answers = _last_answers(subject_ids)
        consents: list[Consent] = []
        inserted_all: list[Consent] = []
        lines_of: dict[Any, int] = {}
        seen_keys: set[str] = set()
        refusals = replaced = withdrawals = 0

        def insert_pending() -> None:
            nonlocal consents
            if consents:
                consents_insert(consents, source=f"import:{run.pk}", actor=actor, now=now)
                inserted_all.extend(consents)
                consents = []

        for line, row, key in keyed:
            if key in done or key in seen_keys:
                run.already_imported += 1
                continue
            try:
                kind = outcome(row)
                if kind in (REFUSED, WITHDRAWN):
                    request, answered_at = row_to_refusal_or_withdrawal(
                        row, subjects=subjects, catalogue=catalogue, now=now
                    )
                    purpose, pair = request.purpose, (request.subject.pk, request.purpose.pk)
                else:
                    request, consent = row_to_consent(
                        row, key=key, subjects=subjects, catalogue=catalogue, actor=actor, now=now
                    )
                    purpose, pair = consent.purpose, (consent.subject_id, consent.purpose_id)
                    answered_at = consent.granted_at
                # A withdrawal is judged on its own day: a term that ran out after it ended nothing.
                _term_end_record(pair, live=live, last_answers=last_answers, now=now,
                                 by=answered_at if kind == WITHDRAWN else now)
                outgrown = kind == GRANTED and _replaces_outgrown(
                    live_records.get(pair) if pair in live else None, consent, on=answered_at
                )
                if kind != WITHDRAWN:  # a withdrawal's own checks are `withdrawal_row_record`'s
                    _answer_check(row, pair, answered_at, purpose=purpose, refusal=kind == REFUSED, live=live,
                                  last_answers=last_answers, outgrown=outgrown)
                if outgrown:
                    # The grant service replaces it, as the single grant does; a savepoint of its own.
                    with transaction.atomic():
                        consent_grant_in_transaction(
                            actor=actor, request=request, now=now, answered_at=answered_at,
                            source=f"import:{run.pk}", import_key=key,
                        )
                    replaced += 1
                    live[pair] = None
                elif kind == REFUSED:
                    # A savepoint of its own: a row the service refuses must not spoil the batch.
                    with transaction.atomic():
                        consent_refuse_in_transaction(
                            actor=actor, request=request, now=now, answered_at=answered_at,
                            source=f"import:{run.pk}", import_key=key,
                        )
                    refusals += 1
                elif kind == WITHDRAWN:
                    insert_pending()  # the consent it ends may be an earlier row of this batch
                    with transaction.atomic():  # a savepoint, as the refusal's
                        withdrawal_row_record(row, request, answered_at, key=key,
                                              last_answer=last_answers.get(pair), actor=actor,
                                              source=f"import:{run.pk}", now=now)
                    withdrawals += 1
                    live.pop(pair, None)
                else:
                    live[pair] = None
                    consents.append(consent)
                    lines_of[consent.pk] = line
                live_records.pop(pair, None)
            except DomainError as error:
                _refuse(run, line, error.text)
                continue
            seen_keys.add(key)
            last_answers[pair] = answered_at
        insert_pending()
        # Once the batch's withdrawals are recorded: a guardian's consent the file itself withdrew before
        # the 7th birthday ended then, on the customer's word, not at the birthday.
        for consent, note in outgrown_on_import(inserted_all, now=now):
            _note(run, lines_of[consent.pk], note)
        inserted = len(inserted_all)
        run.imported += inserted + replaced
        run.refusals_recorded += refusals
        run.withdrawals_recorded += withdrawals
        if inserted or refusals or replaced or withdrawals:
            audit_record(
                action="consents.import.batch_imported",
                actor=actor,
                target=run,
                now=now,
                data={"first_line": batch[0][0], "last_line": batch[-1][0],
                      "imported": inserted + replaced, "refusals_recorded": refusals,
                      "withdrawals_recorded": withdrawals},
            )
        ConsentImport.objects.filter(pk=run.pk).update(**{field: getattr(run, field) for field in COUNTS})
        if job is not None and not job_checkpoint(
            job, expected_cursor=job.cursor, cursor=cursor, done=run.rows, refused=run.refused,
            report=run.errors, now=timezone.now(),
        ):
            # Another worker moved the cursor (or the job ended): this batch is theirs; undo ours.
            raise Conflict(_("Another worker is importing this file."))



def _term_end_record(
    pair: tuple,
    *,
    live: dict[tuple, datetime | None],
    last_answers: dict[tuple, datetime],
    now: datetime,
    by: datetime,
) -> None:
    """A live consent whose term had ended by `by` (and by `now`) is expired first, as the hourly sweep
    would (the consent check already answers "expired"), and the row is judged as after the sweep:
    against the expiry, dated when the term ended. `by`: `now`, or a withdrawal's day, before which the
    consent must have ended for the withdrawal to find it ended."""
    term_end = live.get(pair)
    if term_end is not None and term_end <= min(by, now):
        consent_expire_ended(subject_id=pair[0], purpose_id=pair[1], now=now)
        del live[pair]
        last_answers[pair] = term_end


def _replaces_outgrown(live: Consent | None, consent: Consent, *, on: datetime) -> bool:
    """Whether a grant row's consent replaces the customer's live one in the database, which the
    customer had outgrown on the day of the row (`consent_outgrown`): the grant service supersedes it
    then, as the single grant does."""
    return live is not None and consent_outgrown(live, consent.subject.date_of_birth, timezone.localdate(on))


def _answer_check(
    row: dict[str, str],
    pair: tuple,
    answered_at: datetime,
    *,
    purpose: Purpose,
    refusal: bool,
    live: dict[tuple, datetime | None],
    last_answers: dict[tuple, datetime],
    outgrown: bool = False,
) -> None:
    """Refuse a row that would overturn what the customer said since, or that a live consent stands in
    the way of (in the database or from an earlier row of the file), unless the customer outgrew it
    (`outgrown`). For a refusal the later answer is named first: a "no" older than the live consent is
    outdated, not a withdrawal."""
    last_answer = last_answers.get(pair)
    later = last_answer is not None and not_after(row, answered_at, last_answer)
    if pair in live and not outgrown and not (refusal and later):
        if refusal:
            raise refusal_needs_withdrawal_error(purpose)
        raise Conflict(_("The customer already has a live consent to this purpose."))
    if later:
        raise Conflict(_(
            "The customer gave a later answer for this purpose (on %(day)s): a withdrawal, a "
            "refusal or a newer consent. An older consent from a file cannot replace it."
        ), day=timezone.localtime(last_answer).date().isoformat())


def _last_answers(subject_ids: list) -> dict[tuple, datetime]:
    """When each customer last answered each purpose (`answer_moment`). A consent from a file is older
    evidence and may not overturn a later answer. A record voided as made in error was never the
    customer's answer."""
    return {
        (row["subject_id"], row["purpose_id"]): row["last"]
        for row in Consent.objects.filter(subject__in=subject_ids)
        .exclude(status=ConsentStatus.VOIDED)
        .values("subject_id", "purpose_id")
        .annotate(last=Max(answer_moment()))
    }
