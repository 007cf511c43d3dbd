"""The grant rules of domain notes "Consent rules": what a grant (and any answer, a refusal too) needs
before anything is written, children's and guardians' rules included. Writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import (
    SELF_SERVICE_CHANNELS,
    WITNESSED_CHANNELS,
    Channel,
    LegalBasis,
    NoticeVersion,
    Purpose,
    PurposeCategory,
)
from consents.scope import scope_abroad
from consents.services.who_answered import CollectedBy, WhoAnswered, who_answered_validate
from core.actors import Actor
from core.errors import Conflict, InvalidInput
from subjects.children import (
    CHILD_BELOW_AGE,
    GUARDIAN_ONLY_BELOW_AGE,
    Guardianship,
    guardian_minor_error,
    guardianship_now,
    may_be_child,
)
from subjects.models import DataSubject
from subjects.selectors import guardianship_on
from subjects.validators import age_on

MAX_EVIDENCE_LENGTH = 300
# Domain notes ("Consent rules"): proof is on the bank. Where the customer agrees in front of staff or
# on paper, the form number, scanned document or call recording is the proof.
CHANNELS_NEEDING_EVIDENCE = frozenset(WITNESSED_CHANNELS)


@dataclass(frozen=True)
class GrantRequest:
    """What a grant needs, validated by `grant_validate` before anything is written."""

    subject: DataSubject
    purpose: Purpose
    notice_version: str
    channel: str
    evidence: str = ""
    guardian: DataSubject | None = None
    sensitive_acknowledged: bool = False
    expires_at: datetime | None = None
    child_agreed: bool = False
    child_evidence: str = ""
    session_ref: str = ""
    device: str = ""
    # The language the customer read the notice in ("vi", "en"); blank when the bank does not know it.
    notice_language: str = ""
    # An API client that sent no `outcome` gets a grant (the public contract's default); its proof says the
    # customer's answer was never stated, since silence is not consent.
    outcome_defaulted: bool = False
    # When the customer answered, if before its recording: an answer the mobile app captured offline
    # (`consents.services.answer_times`).
    answered_at: datetime | None = None
    # A form staff record: who gave the answer and how the notice was given (`who_answered`).
    who_answered: WhoAnswered | None = None
    # An answer imported from another controller's records (`CollectedBy`); None: given to this bank.
    collected_by: CollectedBy | None = None


def not_consent_based_error(purpose: Purpose, legal_basis: str | None = None) -> Conflict:
    return Conflict(
        _(
            "The purpose “%(purpose)s” relies on the legal basis “%(basis)s”, not on consent: it is shown to "
            "the "
            "customer for transparency only and cannot be consented to or withdrawn."
        ),
        code="not_consent_based",
        purpose=purpose.code,
        basis=LegalBasis(legal_basis or purpose.legal_basis).label,
    )


def barred_for_children(purpose: Purpose, notice: NoticeVersion) -> bool:
    """Purposes a child's data never serves: marketing (domain notes), and by the bank's policy
    sensitive data and transfers abroad (to a recipient abroad too, whatever the purpose's flag)."""
    scope = notice.scope
    return in_marketing(purpose, notice) or scope["sensitive"] or scope_abroad(scope)


def in_marketing(purpose: Purpose, notice: NoticeVersion) -> bool:
    """Whether the version is a marketing one: its own category (the purpose row's until the job gives it
    a version's scope), the purpose's for a version stored while the category was wording."""
    return notice.scope.get("category", purpose.category) == PurposeCategory.MARKETING


def purpose_offered_to_ward(
    purpose: Purpose, notice: NoticeVersion | None, ward: DataSubject, *, now: datetime
) -> bool:
    """Whether a guardian is offered this purpose for their ward: not when the ward is (or may be) a
    child and the purpose is barred for children, since the grant would be refused anyway."""
    if notice is None:
        return purpose.category != PurposeCategory.MARKETING
    if not barred_for_children(purpose, notice):
        return True
    return not may_be_child(ward, on=timezone.localdate(now))


def answer_validate(request: GrantRequest, *, current_notice: NoticeVersion | None) -> None:
    """What every answer to a purpose needs, a grant or a refusal: a known channel, a purpose that asks
    for consent, the current notice shown, and the proof a consent through that channel needs."""
    purpose = request.purpose
    if request.channel not in Channel.values:
        raise InvalidInput(
            _("Choose a channel: %(channels)s."), field="channel", channels=", ".join(Channel.values)
        )
    # The basis of the version in force, whether or not the job has copied it onto the purpose yet: the
    # rule of `catalogue.purpose_in_force`, read from the version the caller already holds (it would
    # read the purpose's versions again, one more query on every grant).
    legal_basis = current_notice.scope["legal_basis"] if current_notice is not None else purpose.legal_basis
    if legal_basis != LegalBasis.CONSENT:
        raise not_consent_based_error(purpose, legal_basis)
    if current_notice is None:
        raise Conflict(
            _("The purpose “%(purpose)s” has no notice in effect yet; consent cannot be recorded."),
            code="no_notice",
            purpose=purpose.code,
        )
    if not request.notice_version:
        raise InvalidInput(_("Give the notice version the customer was shown."), field="notice_version")
    if request.notice_version != current_notice.version:
        raise Conflict(
            _(
                "Notice version %(given)s is not the current one (%(current)s). Show the customer the "
                "current "
                "notice and record consent to that version."
            ),
            code="notice_outdated",
            given=request.notice_version[:32],
            current=current_notice.version,
        )
    _evidence_validate(request)
    if request.who_answered is not None:
        who_answered_validate(request.who_answered)


def grant_validate(
    request: GrantRequest,
    *,
    now: datetime,
    current_notice: NoticeVersion | None,
    guardianship: Guardianship | None = None,
) -> None:
    """Refuse a grant that breaks a rule, with a message a branch officer can act on. Writes nothing.
    `guardianship`: who was the child's guardian on the day of an older grant (`guardian_acting_validate`)."""
    if not request.purpose.active:
        raise Conflict(
            _("The purpose “%(purpose)s” is no longer offered."),
            code="purpose_inactive",
            purpose=request.purpose.code,
        )
    _relationship_open_validate(request.subject, channel=request.channel)
    answer_validate(request, current_notice=current_notice)
    if current_notice.scope["sensitive"] and not request.sensitive_acknowledged:
        raise sensitive_unacknowledged_error()
    if request.expires_at is not None and request.expires_at <= now:
        raise InvalidInput(_("The expiry must be in the future."), field="expires_at")
    _children_validate(request, now=now, notice=current_notice, guardianship=guardianship)


def _relationship_open_validate(subject: DataSubject, *, channel: str) -> None:
    """A former or deceased customer's consent is not recorded: their consents stopped when the
    relationship ended or the death was recorded (`consents.services.relationship_stops`), and what the
    bank still holds serves only the law that keeps it. A customer who came back has the end date cleared
    on their record first. Through a self-service channel the former customer reads the refusal
    themselves (a deceased one's login is closed), so it is worded for them, not for staff."""
    if subject.deceased_on is not None:
        raise Conflict(
            _("This customer died on %(day)s: no consent is recorded in their name. Processing a deceased "
              "person's data needs the consent of their spouse or adult children, or parents (Law 91/2025); "
              "refer the family to the Data Protection Officer."),
            code="subject_deceased",
            day=subject.deceased_on.strftime("%d/%m/%Y"),
        )
    ended_on = subject.relationship_ended_on
    if ended_on is not None and channel in SELF_SERVICE_CHANNELS:
        raise Conflict(
            _("Your relationship with the bank has ended, so no new consent can be recorded for you. If you "
              "have become a customer again, ask at a branch."),
            code="relationship_ended",
        )
    if ended_on is not None:
        raise Conflict(
            _("This customer's relationship with the bank ended on %(day)s: no consent is recorded for a "
              "former customer. If they have become a customer again, clear the end date on their record "
              "first."),
            code="relationship_ended",
            day=ended_on.strftime("%d/%m/%Y"),
        )


def evidence_length_validate(value: str, *, field: str = "evidence") -> None:
    """Refuse an evidence reference longer than the column keeps (an answer's, a withdrawal's)."""
    if len(value) > MAX_EVIDENCE_LENGTH:
        raise InvalidInput(_("The evidence reference is longer than 300 characters."), field=field)


def _evidence_validate(request: GrantRequest) -> None:
    for field in ("evidence", "child_evidence"):
        evidence_length_validate(getattr(request, field), field=field)
    missing = evidence_missing_error(request.channel, request.evidence)
    if missing is not None:
        raise missing


# The two refusals a consent form can know before the service runs (the staff form shows them all at
# once, with the others it finds); the service raises the same ones.
def evidence_missing_error(channel: str, evidence: str) -> InvalidInput | None:
    """The refusal of an answer through a channel that needs an evidence reference, given none."""
    if channel not in CHANNELS_NEEDING_EVIDENCE or (evidence or "").strip():
        return None
    return InvalidInput(
        _(
            "Give the evidence reference for a consent given through “%(channel)s”: the form number, "
            "the scanned document id or the call recording id."
        ),
        field="evidence",
        channel=Channel(channel).label,
    )


def withdrawal_evidence_missing_error(channel: str, evidence: str) -> InvalidInput | None:
    """The staff withdraw page's refusal of a withdrawal through a channel whose grant needs an evidence
    reference (`evidence_missing_error`), given none: asked as the grant form asks it and no more, so that
    withdrawing stays as easy as giving. The API keeps the field optional (contract)."""
    if evidence_missing_error(channel, evidence) is None:
        return None
    return InvalidInput(
        _(
            "Give the evidence reference of this withdrawal through “%(channel)s”, as for giving consent: "
            "the call recording id, the form number or the scanned document id."
        ),
        field="evidence",
        channel=Channel(channel).label,
    )


def witnessed_channel_choices() -> list[tuple[str, str]]:
    """The channels a staff form offers: those `channel_validate` lets staff record."""
    return [(channel.value, channel.label) for channel in WITNESSED_CHANNELS]


def channel_validate(actor: Actor, channel: str, *, source: str = "") -> None:
    """Refuse a channel the actor cannot have used, on every write that takes one: answers,
    withdrawals, requests, revocations. Staff record only what a person at the bank witnessed
    (`WITNESSED_CHANNELS`, and a channel must be named); a customer's own login records only the
    customer's own channels (`SELF_SERVICE_CHANNELS`), never that someone at the bank saw it.
    Integration clients and the system keep their channels. An act carried over from a `source` keeps
    the channel that source recorded: an imported file's row transcribes another system's record (its
    evidence names it); a request put in force carries the channel it was received through."""
    if source:
        return
    if actor.is_customer and channel not in SELF_SERVICE_CHANNELS:
        raise InvalidInput(_("Choose internet banking, the mobile app or the API."), field="channel")
    if not actor.is_staff or channel in WITNESSED_CHANNELS:
        return
    raise InvalidInput(
        _(
            "Staff record only what a person at the bank witnessed: choose %(channels)s. Internet "
            "banking, the mobile app and the API record the customer's own actions themselves."
        ),
        field="channel",
        channels=", ".join(str(channel.label) for channel in WITNESSED_CHANNELS),
    )


def sensitive_unacknowledged_error() -> InvalidInput:
    """The refusal of a grant to a purpose using sensitive data the customer did not explicitly accept."""
    return InvalidInput(
        _(
            "This purpose uses sensitive personal data: the customer must explicitly confirm that they "
            "understand this and agree before the consent is recorded."
        ),
        field="sensitive_acknowledged",
    )


def guardian_acting_validate(
    request: GrantRequest, *, on: date, guardianship: Guardianship | None = None
) -> None:
    """A guardian named on an answer, a grant or a refusal alike, acts for the customer: a customer
    under 16 (or of unknown age), whose registered guardian they are, their authority verified by the
    bank (Decree 13/2023 Art. 20). The receipt and the proof name them as the one who answered for the
    child. `guardianship` is who the guardian was on the day of an older answer (an imported paper
    form: `subjects.selectors.guardianship_on`); the record as it stands otherwise. No guardian named:
    nothing to check (a "no" needs none; `_children_validate` says when a grant does)."""
    guardian, subject = request.guardian, request.subject
    if guardian is None:
        return
    if not may_be_child(subject, on=on):
        raise InvalidInput(
            _("Customers of 16 and over consent for themselves: a guardian cannot consent for them."),
            field="guardian",
        )
    acting = guardianship or guardianship_now(subject)
    if guardian.pk != acting.guardian_id:
        if guardianship is not None:
            message = _("This person was not the customer's registered guardian on the day of the answer.")
        else:
            message = _("This person is not the customer's registered guardian.")
        raise InvalidInput(message, field="guardian")
    minor = guardian_minor_error(guardian, on=on)
    if minor is not None:
        raise minor
    if not acting.verified:
        raise Conflict(
            _(
                "The guardian's authority has not been verified yet; verify it before they consent "
                "for the child."
            ),
            code="guardian_unverified",
        )


def guardianship_of_answer(request: GrantRequest, *, at: datetime, now: datetime) -> Guardianship | None:
    """Who was the child's guardian when an older answer was given (`at` before its recording `now`: an
    imported paper form), to judge the guardian it names against; None when no guardian is named or
    the answer is given now (the record as it stands is the one to judge by)."""
    if request.guardian is None or at >= now:
        return None
    return guardianship_on(request.subject, at=at)


def _children_validate(
    request: GrantRequest, *, now: datetime, notice: NoticeVersion, guardianship: Guardianship | None
) -> None:
    """Law 91/2025 and Decree 13/2023 Art. 20: under 7 the verified guardian consents alone; from 7 to
    under 16 the child agrees beside the guardian; a child's data never serves marketing. A customer
    whose age is unknown is not assumed adult for purposes barred to children (domain notes). A
    guardian named is checked first, whatever the age (`guardian_acting_validate`)."""
    purpose, subject, guardian = request.purpose, request.subject, request.guardian
    day = timezone.localdate(now)
    guardian_acting_validate(request, on=day, guardianship=guardianship)
    if subject.date_of_birth is None:
        if not subject.adult_verified and barred_for_children(purpose, notice):
            raise Conflict(
                _(
                    "The customer's age is unknown: record their date of birth (or their adult status "
                    "verified by eKYC) before they consent to this purpose, which is barred for children."
                ),
                code="age_unknown",
            )
        return
    age = age_on(subject.date_of_birth, day)
    if age >= CHILD_BELOW_AGE:
        return
    if in_marketing(purpose, notice):
        raise Conflict(
            _("Children's data is never used for marketing: this customer is under 16."),
            code="child_marketing",
        )
    if barred_for_children(purpose, notice):
        raise Conflict(
            _("This purpose uses sensitive data or sends data abroad: it is not offered to children."),
            code="child_barred",
        )
    if guardian is None:
        if age < GUARDIAN_ONLY_BELOW_AGE:
            message = _(
                "This customer is under 7: only their verified guardian can consent. Give the guardian."
            )
        else:
            message = _(
                "This customer is between 7 and 16: both the child and their guardian must consent. "
                "Give the guardian."
            )
        raise InvalidInput(message, field="guardian")
    if age >= GUARDIAN_ONLY_BELOW_AGE and not (request.child_agreed and request.child_evidence.strip()):
        raise InvalidInput(
            _(
                "This customer is between 7 and 16: record the child's own agreement (child_agreed) with "
                "its evidence (child_evidence) beside the guardian's consent."
            ),
            field="child_agreed",
        )
