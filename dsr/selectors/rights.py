"""What each right gives and when a request sent now would be answered, in the customer's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_for_subject
from consents.follow_ups import withdrawal_follow_ups_explained
from consents.models import Purpose
from consents.selectors import withdrawal_consequences_of_subject
from core.errors import DomainError
from deadlines.models import RequestType
from deadlines.policy import deadlines_for
from dsr.models import DataSubjectRequest
from dsr.selectors.requests import requests_by_reference, requests_for_subject
from dsr.states import NEEDS_REASON

# What each right gives, in the customer's words (shown before they choose, so access and copy are not
# confused).
REQUEST_TYPE_EXPLAINED = {
    RequestType.ACCESS: _(
        "We tell you what personal data the bank holds about you, why, where it came from and who it "
        "was shared with. You read it on screen."
    ),
    RequestType.COPY: _(
        "You receive a file with your personal data (a readable page, JSON or CSV) to download and keep."
    ),
    RequestType.RECTIFY: _("We correct personal data that is wrong or out of date."),
    RequestType.DELETE: _("We delete your personal data, except what the law requires the bank to keep."),
    RequestType.RESTRICT: _("We keep your data but stop using it for the purposes you choose for a while."),
    RequestType.OBJECT: _("You object to a use of your data; we stop unless the law requires it."),
    RequestType.WITHDRAW: _("You withdraw a consent you gave; it applies from now on."),
    RequestType.COMPLAINT: _("You complain about how the bank handles your data or ask for protection."),
}

# How identity is verified for a request sent from self-service (the methods a privacy officer records).
SELF_SERVICE_IDENTITY_STEPS = (
    _("a one-time code (OTP) sent by text message to the phone number registered with the bank;"),
    _("or, if you no longer have that phone, eKYC in the mobile app (your CCCD chip and a face check);"),
    _("or your CCCD or passport, shown at any branch."),
)


@dataclass(frozen=True)
class RequestTimeframe:
    type: str
    label: str
    explained: str
    answer_by: datetime | None
    statutory_by: datetime | None


def request_timeframes(*, now: datetime | None = None) -> list[RequestTimeframe]:
    """For each request type, what it gives and the dates a request sent now would have: the one the
    bank answers by (the earlier of its commitment and the law's) and the law's latest date, from the
    one deadline policy (never a number of days here)."""
    now = now or timezone.now()
    rows = []
    for value, label in RequestType.choices:
        try:
            clocks = deadlines_for(request_type=value, received_at=now)
        except DomainError:
            clocks = None
        rows.append(
            RequestTimeframe(
                type=value,
                label=label,
                explained=REQUEST_TYPE_EXPLAINED.get(value, ""),
                answer_by=clocks.answer_by if clocks else None,
                statutory_by=clocks.statutory_due_at if clocks else None,
            )
        )
    return rows


@dataclass(frozen=True)
class WithdrawalExplained:
    """One purpose a withdrawal request would end, with what withdrawing it means (vi/en)."""

    code: str
    name: str
    consequences: list[str]


def withdrawals_explained(subject, *, now: datetime | None = None) -> list[WithdrawalExplained]:
    """What a withdrawal request filed for `subject` now explains first (domain notes: consequences
    explained first): each of their consents it would end, by purpose, with the consents app's own
    sentences (`withdrawal_consequences_of_subject`). None ticked on the request means all of these;
    no subject (a page not yet told whose), nothing."""
    if subject is None:
        return []
    return [
        WithdrawalExplained(code=consent.purpose.code, name=consent.purpose.name, consequences=lines)
        for consent, lines in withdrawal_consequences_of_subject(subject, now=now)
    ]


def withdrawal_of_all_explained(subject) -> list[str]:
    """What a withdrawal request naming no purpose ends beyond the consents `withdrawals_explained`
    lists (every third party's access to the customer's data, `consents.follow_ups`), told first too,
    even to a customer with no consent in force; no subject, nothing."""
    if subject is None:
        return []
    return withdrawal_follow_ups_explained(subject=subject, purposes=None)


def request_answer_contestable(request: DataSubjectRequest) -> bool:
    """Whether the customer's request page says how to challenge the answer: a refusal or a partial
    answer (the answers that give a legal reason), which the customer may take to the bank as a
    complaint or to the personal-data-protection authority (Law 91: the data subject's right to
    complain, denounce and sue)."""
    return request.status in NEEDS_REASON


@dataclass(frozen=True)
class WithdrawalsReadOut:
    """`withdrawals_explained` and `withdrawal_of_all_explained`, worded in `language`."""

    language: str
    withdrawals: list[WithdrawalExplained]
    all_ends: list[str]


def withdrawals_read_out(subject) -> WithdrawalsReadOut:
    """What a withdrawal request would end, for staff to read out to the customer before saving it: in the
    language the bank writes to the customer in (`language_for_subject`: their preferred one, else the
    site default), whatever the portal's; no subject, nothing (and no language of its own)."""
    if subject is None:
        return WithdrawalsReadOut(language="", withdrawals=[], all_ends=[])
    language = language_for_subject(subject)
    with translation.override(language):
        return WithdrawalsReadOut(
            language=language,
            withdrawals=[
                WithdrawalExplained(
                    code=item.code,
                    name=str(item.name),
                    consequences=[str(text) for text in item.consequences],
                )
                for item in withdrawals_explained(subject)
            ],
            all_ends=[str(line) for line in withdrawal_of_all_explained(subject)],
        )


def request_challenged(subject, reference: str | None) -> DataSubjectRequest | None:
    """The request a customer's complaint challenges, named by its reference (the challenge link of the
    request's page): one of their own or their ward's; None for another customer's or no reference."""
    named = requests_by_reference(reference or "").values("pk")
    return requests_for_subject(subject).filter(pk__in=named).first()


def request_filer(subject, *, type: str, challenged: DataSubjectRequest | None) -> dict:
    """Whose request a customer files from the new-request page, as `request_create`'s `subject`,
    `guardian` and `challenges`: their own; but a complaint about an answer (`request_challenged`) names
    that request, and about a ward's answer is the ward's, filed by their guardian, as the request was."""
    if type != RequestType.COMPLAINT or challenged is None:
        return {"subject": subject, "guardian": None, "challenges": None}
    if challenged.subject_id != subject.pk:
        return {"subject": challenged.subject, "guardian": subject, "challenges": challenged}
    return {"subject": subject, "guardian": None, "challenges": challenged}


# What a request of each purpose type naming no purpose covers.
_COVERS_EVERY_PURPOSE = {
    RequestType.WITHDRAW: _("Every consent (no purpose named)"),
    RequestType.RESTRICT: _("Every purpose (none named)"),
    RequestType.OBJECT: _("Every purpose (none named)"),
}


def request_purposes_named(request: DataSubjectRequest) -> list[dict[str, str]]:
    """The purposes the request names, in its order, each with the name people read (a code the
    catalogue no longer holds keeps its code as its name). A withdrawal, restriction or objection naming
    none covers them all (the intake says so): one entry saying it, with no code, so a receipt or a page
    never leaves what it covers unsaid."""
    if not request.purposes:
        covers_all = _COVERS_EVERY_PURPOSE.get(request.type)
        return [{"code": "", "name": str(covers_all)}] if covers_all else []
    names = {purpose.code: purpose.name for purpose in Purpose.objects.filter(code__in=request.purposes)}
    return [{"code": code, "name": names.get(code, code)} for code in request.purposes]
