"""What staff read out to the customer, on the phone or at the desk, before a withdrawal: in the language
the bank writes to the customer in (`language_for_subject`: their preferred one, else the site default),
whatever language the staff member's portal is in, as the grant page shows the notice in the customer's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation

from accounts.languages import language_for_subject
from consents.models import Consent
from consents.selectors.withdrawals import withdrawal_consequences, withdrawal_consequences_of_subject


@dataclass(frozen=True)
class ReadOut:
    """Sentences to say to the customer, and the language they are in (the page marks it `lang`)."""

    language: str
    lines: list[str]


def withdrawal_consequences_read_out(consent: Consent, *, now: datetime | None = None) -> ReadOut:
    """`withdrawal_consequences` of the consent, worded in its customer's language."""
    language = language_for_subject(consent.subject)
    with translation.override(language):
        return ReadOut(language, [str(line) for line in withdrawal_consequences(consent, now=now)])


def withdrawal_consequences_of_subject_read_out(
    subject, *, now: datetime | None = None
) -> dict[int, ReadOut]:
    """`withdrawal_consequences_of_subject` by purpose id, worded in the customer's language: what the
    consent form's "no" withdraws, said before the officer records it."""
    language = language_for_subject(subject)
    with translation.override(language):
        return {
            consent.purpose_id: ReadOut(language, [str(line) for line in lines])
            for consent, lines in withdrawal_consequences_of_subject(subject, now=now)
        }
