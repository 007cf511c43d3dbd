"""One row of a consent import: its columns, its import key, and the answer it records (a grant built
for the bulk insert, or a refusal's request for the refusal service); `consents.services.import_rows`
judges the rows batch by batch, `consents.services.imports` gives the rules."""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import Consent, NoticeVersion, Purpose
from consents.scope import consent_snapshot
from consents.services.grants import grant_build
from consents.services.notice_history import notice_history_missing_error
from consents.services.rules import CollectedBy, GrantRequest, grant_validate, guardianship_of_answer
from core.actors import Actor
from core.errors import InvalidInput
from core.moments import day_first_iso, parse_moment
from core.text import nfc
from subjects.models import DataSubject
from subjects.selectors import unknown_customer_number_input

# A file is proof of nothing by itself: each row says when the customer consented and where the
# proof is (the signed form's scan, the legacy system's record), as the receipt will repeat it.
REQUIRED_COLUMNS = ("subject", "purpose", "notice_version", "channel", "evidence", "granted_at")
OPTIONAL_COLUMNS = ("guardian", "sensitive_acknowledged", "child_agreed", "child_evidence", "outcome",
                    "controller", "controller_notice_version")
# The columns a row's import key is made of, in the order keys were first made in, so a file imported
# before gives the same keys; the child columns were added later and count only when filled.
KEY_COLUMNS = ("subject", "purpose", "notice_version", "channel", "evidence", "granted_at", "guardian",
               "sensitive_acknowledged")
CHILD_COLUMNS = ("child_agreed", "child_evidence")
# A transferred portfolio's rows name the controller the customer answered and that controller's notice
# version; they were added later too, and count only when filled.
ORIGIN_COLUMNS = ("controller", "controller_notice_version")
TRUE_WORDS = {"1", "true", "yes", "y", "x", "có", "co"}
# The `outcome` column (the API's word): the customer's answer on the form; a refusal ("no" on the form) is
# proof too, recorded by the same rules. A file without the column declares every row a grant, as files
# made before the column did; in a file with it a blank cell is a form the customer ticked nothing on,
# and silence is not consent (the DPO's decision), so the row is refused.
GRANTED_WORDS = {"granted", "grant", "đồng ý", "dong y"}
REFUSED_WORDS = {"refused", "refuse", "từ chối", "tu choi"}
# A withdrawal from a legacy file: it ends the consent the customer gave before it, on the row's day.
WITHDRAWN_WORDS = {"withdrawn", "withdraw", "rút", "đã rút", "rut", "da rut"}
GRANTED, REFUSED, WITHDRAWN = "granted", "refused", "withdrawn"
OUTCOME_WORDS = {
    **dict.fromkeys(GRANTED_WORDS, GRANTED),
    **dict.fromkeys(REFUSED_WORDS, REFUSED),
    **dict.fromkeys(WITHDRAWN_WORDS, WITHDRAWN),
}


class ImportCatalogue:
    """Purposes and their notices, loaded once per run (a few dozen rows)."""

    def __init__(self) -> None:
        self.purposes = {p.code: p for p in Purpose.objects.all()}
        self.notices: dict[int, list[NoticeVersion]] = {}
        for notice in NoticeVersion.objects.order_by("effective_at"):
            self.notices.setdefault(notice.purpose_id, []).append(notice)

        self.snapshots: dict[int, dict[str, Any]] = {}

    def notice_at(self, purpose: Purpose, when: datetime) -> NoticeVersion | None:
        effective = [n for n in self.notices.get(purpose.pk, []) if n.in_force_by(when)]
        return effective[-1] if effective else None

    def snapshot(self, purpose: Purpose, notice: NoticeVersion) -> dict[str, Any]:
        """What the receipt of a consent to this version shows: the same for every row."""
        if notice.pk not in self.snapshots:
            self.snapshots[notice.pk] = consent_snapshot(purpose, notice)
        return self.snapshots[notice.pk]


def granted_at_iso(row: dict[str, str]) -> str:
    """The row's `granted_at` as ISO 8601 when Excel wrote it day first (18/03/2024), else as written."""
    written = row.get("granted_at", "")
    return day_first_iso(written) or written


def granted_on_a_day(row: dict[str, str]) -> bool:
    """Whether the row gives a date without a time (taken at noon): it cannot be placed within its day."""
    return len(granted_at_iso(row)) == len("YYYY-MM-DD")


def not_after(row: dict[str, str], moment: datetime, other: datetime) -> bool:
    """Whether a row's `moment` is not later than `other`. A row with a date and no time (read as noon)
    cannot be placed within its day, so the day is compared: a moment that day counts as later."""
    if granted_on_a_day(row):
        return timezone.localdate(moment) <= timezone.localdate(other)
    return moment <= other


def import_key(row: dict[str, str]) -> str:
    # A file saved again by Excel writes its ISO dates day first: its rows keep the keys they had.
    parts = [granted_at_iso(row) if c == "granted_at" else row.get(c, "") for c in KEY_COLUMNS]
    parts += [row[c] for c in CHILD_COLUMNS if row.get(c)]
    parts += [f"{c}={row[c]}" for c in ORIGIN_COLUMNS if row.get(c)]
    # A refusal's or withdrawal's key differs from the same row's grant; a grant's stays what it was
    # before `outcome`.
    kind = _outcome_kind(row)
    if kind in (REFUSED, WITHDRAWN):
        parts.append(f"outcome={kind}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _outcome_kind(row: dict[str, str]) -> str | None:
    """`GRANTED`, `REFUSED` or `WITHDRAWN` by the row's `outcome` word (`GRANTED` in a file without the
    column); None for a blank cell or any other word."""
    if "outcome" not in row:
        return GRANTED
    return OUTCOME_WORDS.get(nfc(row["outcome"]).lower())


def outcome(row: dict[str, str]) -> str:
    """What the row records: `GRANTED`, `REFUSED` or `WITHDRAWN`; a blank cell or an unknown word refuses
    the row."""
    kind = _outcome_kind(row)
    if kind is None and not row["outcome"].strip():
        raise InvalidInput(_("outcome is blank: write granted or refused (đồng ý or từ chối); a blank is not "
                             "consent."))
    if kind is None:
        raise InvalidInput(_("outcome must be “granted”, “refused” or “withdrawn” (“đồng ý”, “từ chối” or "
                             "“rút”)."))
    return kind


def _yes(value: str) -> bool:
    """A yes/no column: "có" typed on a Mac (decomposed) is the same yes as one typed on Windows."""
    return nfc(value).lower() in TRUE_WORDS


def parse_when(row: dict[str, str], now: datetime) -> datetime:
    """The moment of the row's `granted_at`: an ISO 8601 date or date-time, or a date written day first
    as Excel saves it on a Vietnamese Windows (dd/mm/yyyy, with hh:mm after a date-time cell). A date
    alone is taken at noon, local time."""
    written = row.get("granted_at", "")
    if not written:
        raise InvalidInput(_("granted_at is empty: give the day the customer consented (the day of the "
                             "import proves nothing)."))
    iso = day_first_iso(written)
    try:
        moment = parse_moment(iso or written, field="granted_at", day_starts_at=time(12, 0))
    except InvalidInput:
        if iso:
            raise InvalidInput(
                _("granted_at “%(written)s” is not a real date. Dates with slashes are read day first "
                  "(dd/mm/yyyy), as Vietnamese dates are written: 31/02/2026 does not exist, and a date "
                  "written month first (03/18/2024) is refused."),
                written=written,
            ) from None
        raise InvalidInput(_("granted_at is not a date: use dd/mm/yyyy (18/03/2024, the day first), "
                             "YYYY-MM-DD or an ISO 8601 date-time.")) from None
    if moment > now:
        raise InvalidInput(_("granted_at is in the future."))
    return moment


def _row_request(
    row: dict[str, str], *, subjects: dict[str, DataSubject], catalogue: ImportCatalogue, now: datetime
) -> tuple[GrantRequest, datetime]:
    """The answer a row records, as the services take it, and the moment the customer gave it."""
    subject = subjects.get(row.get("subject", ""))
    if subject is None:
        raise unknown_customer_number_input(row.get("subject", ""))
    purpose = catalogue.purposes.get(row.get("purpose", ""))
    if purpose is None:
        raise InvalidInput(_("No purpose with this code."))
    guardian = None
    if row.get("guardian"):
        guardian = subjects.get(row["guardian"])
        if guardian is None:
            raise InvalidInput(_("No customer with the guardian's customer number (CIF)."))
    request = GrantRequest(
        subject=subject,
        purpose=purpose,
        notice_version=row.get("notice_version", ""),
        channel=row.get("channel", ""),
        evidence=row.get("evidence", ""),
        guardian=guardian,
        sensitive_acknowledged=_yes(row.get("sensitive_acknowledged", "")),
        child_agreed=_yes(row.get("child_agreed", "")),
        child_evidence=row.get("child_evidence", ""),
        collected_by=_collected_by(row),
    )
    when = parse_when(row, now)
    if catalogue.notice_at(purpose, when) is None:
        raise notice_history_missing_error(purpose, on=when)
    return request, when


def _collected_by(row: dict[str, str]) -> CollectedBy | None:
    """The other controller a row's answer was given to, with the version of its notice the customer
    read: both or neither, since a name without its notice proves no more than this bank's notice would."""
    controller = nfc(row.get("controller", "")).strip()
    notice_version = nfc(row.get("controller_notice_version", "")).strip()
    if not controller and not notice_version:
        return None
    if not notice_version:
        raise InvalidInput(_("controller_notice_version is empty: give the version of %(controller)s's "
                             "notice the customer read when answering."), controller=controller)
    if not controller:
        raise InvalidInput(_("controller is empty: name the bank the customer answered under its notice "
                             "version %(version)s."), version=notice_version)
    return CollectedBy(controller=controller[:150], notice_version=notice_version[:50])


def _evidence_required(row: dict[str, str]) -> None:
    # The rules ask for evidence on some channels only; a row from a file needs it on every one.
    if not row.get("evidence"):
        raise InvalidInput(_("evidence is empty: give the reference of the signed form's scan or of the "
                             "record in the system the consent comes from."))


def row_to_refusal_or_withdrawal(
    row: dict[str, str], *, subjects: dict[str, DataSubject], catalogue: ImportCatalogue, now: datetime
) -> tuple[GrantRequest, datetime]:
    """A refusal or withdrawal row's request (customer, purpose, channel, evidence) and its day, never in
    the future; the refusal service judges a refusal on that day, the import a withdrawal against the
    consent it ends."""
    request, answered_at = _row_request(row, subjects=subjects, catalogue=catalogue, now=now)
    _evidence_required(row)
    return request, answered_at


def row_to_consent(
    row: dict[str, str],
    *,
    key: str,
    subjects: dict[str, DataSubject],
    catalogue: ImportCatalogue,
    actor: Actor,
    now: datetime,
) -> tuple[GrantRequest, Consent]:
    """A grant row's request, as the grant service takes it, and its consent built for the bulk insert,
    judged on the day it was given."""
    request, granted_at = _row_request(row, subjects=subjects, catalogue=catalogue, now=now)
    notice = catalogue.notice_at(request.purpose, granted_at)
    # The rules are judged on the day the consent was given: the notice then in effect, the age then.
    # The guardian it names is judged against the child's guardian of that day too.
    guardianship = guardianship_of_answer(request, at=granted_at, now=now)
    grant_validate(request, now=granted_at, current_notice=notice, guardianship=guardianship)
    _evidence_required(row)
    return request, grant_build(
        request,
        notice=notice,
        actor=actor,
        now=granted_at,
        snapshot=catalogue.snapshot(request.purpose, notice),
        import_key=key,
    )
