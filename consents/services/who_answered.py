"""Who gave a customer's answers on a form staff record, and how the notice reached the customer.

Consent is the customer's own act (Law 91/2025 Art. 9): an officer who writes "the customer agreed" when
the son beside her answered records what did not happen. So a form staff record says who spoke (the
customer; the customer helped by someone she brought, who read or explained it; or someone acting on her
documented authority, a power of attorney, whose reference is kept) and whether the notice was read out
or handed over to read: a notice handed to a customer who cannot read it is no notice she understood.
Frozen with the answer (`Consent.snapshot["answered"]`), it is part of the receipt's proof. So is the
other controller an imported answer or withdrawal was given to (`CollectedBy`), after a transfer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from subjects.selectors import ACT_CONSENTS, representative_document_fingerprint, representative_for_act

MAX_AUTHORITY_LENGTH = 200


class AnsweredBy(models.TextChoices):
    CUSTOMER = "customer", _("The customer answered themselves")
    CUSTOMER_HELPED = "customer_helped", _(
        "The customer answered themselves, helped by someone they brought (who read or explained the notice)"
    )
    REPRESENTATIVE = "representative", _(
        "Someone else answered for the customer, on a written authority the bank checked (power of attorney)"
    )


class AskedBy(models.TextChoices):
    """Who asked for a withdrawal staff record: `AnsweredBy`'s values without the notice's helper."""

    CUSTOMER = AnsweredBy.CUSTOMER.value, _("The customer asked themselves")
    REPRESENTATIVE = AnsweredBy.REPRESENTATIVE.value, _(
        "Someone else asked for the customer, on a written authority the bank checked (power of attorney)"
    )


class NoticeGiven(models.TextChoices):
    READ_OUT = "read_out", _("The notice was read out to the customer")
    HANDED_OVER = "handed_over", _("The notice was handed over and the customer read it")


@dataclass(frozen=True)
class WhoAnswered:
    """`authority`: the reference of the representative's written authority (the power of attorney's
    number and notary), only for a representative. `representative_id`: the customer's representative on
    record (`subjects.Representative`) who acted, whose document's reference then stands for `authority`
    (`who_answered_representative_checked`)."""

    by: str
    notice_given: str = ""  # a withdrawal's has none: the customer asked, no notice was given
    authority: str = ""
    representative_id: object = None
    # The audit's proof of the representative's document (`representative_document_fingerprint`), set
    # once the authority is checked: the audit names the record and the document, never the reference.
    document_fingerprint: str = ""


def authority_missing_error(by: str, authority: str, representative_id=None) -> InvalidInput | None:
    """The refusal of someone answering for the customer without the reference of their written
    authority nor their record as the customer's representative; None when none is needed or it is
    given. The staff forms ask it too."""
    if by != AnsweredBy.REPRESENTATIVE or authority.strip() or representative_id:
        return None
    return InvalidInput(
        _(
            "Give the reference of the written authority (power of attorney) under which someone else "
            "answered for the customer. Without one, ask the customer for their own answer."
        ),
        field="authority",
    )


def who_answered_validate(who: WhoAnswered) -> None:
    if who.by not in AnsweredBy.values:
        raise InvalidInput(_("Say who gave the answers."), field="answered_by")
    if who.notice_given and who.notice_given not in NoticeGiven.values:
        raise InvalidInput(_("Say how the notice was given to the customer."), field="notice_given")
    if who.representative_id and who.by != AnsweredBy.REPRESENTATIVE:
        raise InvalidInput(
            _("A representative is named only when someone else answered for the customer."),
            field="representative",
        )
    missing = authority_missing_error(who.by, who.authority, who.representative_id)
    if missing is not None:
        raise missing
    if len(who.authority) > MAX_AUTHORITY_LENGTH:
        raise InvalidInput(
            _("The authority's reference is at most %(limit)s characters."),
            field="authority",
            limit=MAX_AUTHORITY_LENGTH,
        )


def who_answered_representative_checked(
    who: WhoAnswered | None, *, subject_id, at: datetime
) -> WhoAnswered | None:
    """`who` with the document's reference of the representative it names, refused (400 on
    `representative`) unless they are the customer's and their authority covers consents at the moment
    `at` the customer's answer was given (in force that local day, not revoked by then); `who` unchanged
    when it names none."""
    if who is None or not who.representative_id:
        return who
    representative = representative_for_act(
        subject_id=subject_id, representative_id=who.representative_id, act=ACT_CONSENTS, at=at
    )
    return replace(who, authority=who.authority.strip() or representative.document_reference,
                   document_fingerprint=representative_document_fingerprint(representative))


def who_asked_audit_data(who: WhoAnswered | None) -> dict[str, str]:
    """What a withdrawal's audit entry keeps of who asked for it (none said: nothing, as before)."""
    if who is None:
        return {}
    if who.representative_id:
        return {"asked_by": who.by, **who_representative_audit_data(who)}
    return {"asked_by": who.by, "authority": who_answered_frozen(who)["authority"]}


def who_representative_audit_data(who: WhoAnswered) -> dict[str, str]:
    """What an act's audit entry keeps of the representative on record it was done through: the record and
    the fingerprint of its document (nothing when none was named)."""
    if not who.representative_id:
        return {}
    return {"representative": str(who.representative_id), "document_fingerprint": who.document_fingerprint}


def who_answered_frozen(who: WhoAnswered) -> dict[str, str]:
    """What the answer's snapshot keeps; the authority only for a representative, and the representative
    on record when one acted."""
    authority = who.authority.strip() if who.by == AnsweredBy.REPRESENTATIVE else ""
    frozen = {"by": who.by, "authority": authority, "notice_given": who.notice_given}
    if who.representative_id:
        frozen["representative"] = str(who.representative_id)
    return frozen


@dataclass(frozen=True)
class CollectedBy:
    """The controller an answer was given to, when it was not this bank: a portfolio transferred with a
    merger, an acquisition or a division (Law 91/2025), and the version of that controller's notice the
    customer read. Frozen on the receipt, so it never claims the customer read this bank's notice."""

    controller: str
    notice_version: str


def collected_by_data(collected_by: CollectedBy | None) -> dict[str, dict[str, str]]:
    """Where an answer or a withdrawal imported from another controller's records was given, as its proof
    keeps it (a grant's snapshot, a withdrawal's event and audit entry); empty when given to this bank."""
    return {"collected_by": asdict(collected_by)} if collected_by is not None else {}
