"""The recipients' duties' clock names the recipient in the reader's language: the reminder and the
escalation e-mails word each item in their reader's language, so one read in English says "Withdrawal
duty of <English name>"; in Vietnamese (and in the breach register, kept in the site's language) the
Vietnamese name."""

from __future__ import annotations

import pytest
from django.utils import translation

from consents import clock_sources, services
from consents.models import WithdrawalDuty
from deadlines.clocks import ITEM_COLUMNS
from deadlines.clocks import clock_sources as registered_sources
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient

pytestmark = pytest.mark.django_db

VIETNAMESE = "Trụ sở chính Tokyo"
ENGLISH = "Tokyo Head Office"


def _duty_row(subject) -> dict:
    head_office = make_recipient(VIETNAMESE, name_en=ENGLISH, kind="foreign_head_office")
    consent = grant(subject, make_purpose("sharing", category="sharing", recipients=[head_office]))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    # The row as the sweeper reads it: the item's columns and the fields the source asks for.
    source = next(source for source in registered_sources() if source.name == clock_sources.SOURCE)
    return source.open_items("due").values(*ITEM_COLUMNS, *source.fields).get()


def test_the_withdrawal_duty_is_labelled_with_the_recipients_name_in_the_readers_language(subject):
    row = _duty_row(subject)
    with translation.override("en"):
        english = clock_sources.label(row)
    with translation.override("vi"):
        vietnamese = clock_sources.label(row)
    assert english.startswith("Withdrawal duty of") and ENGLISH in english and VIETNAMESE not in english
    assert VIETNAMESE in vietnamese and ENGLISH not in vietnamese


def test_the_reminder_links_to_the_recipients_open_notices(subject):
    """A privacy officer reminded that a recipient has not answered lands on that recipient's open
    notices, not on every recipient's, where the one reminded of may sit below two hundred others."""
    row = _duty_row(subject)
    recipient_id = WithdrawalDuty.objects.get().recipient_id

    link = clock_sources.link(row)

    assert link.endswith(f"?status=open&recipient={recipient_id}")
