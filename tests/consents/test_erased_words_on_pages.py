"""The erased marker (`core.erased.REASON_ERASED`) reads as the one sentence (`ERASED_SHOWN`) wherever
staff read a recipient's acknowledgement note or a withdrawal's reason once the customer's deletion erased
them: the notices page, the staff receipt's recipients and its history. The rows are built that way
(`recipient_stops`, the notices page's rows, `ConsentEvent.reason_shown`), so no template has to remember."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from consents.models import WithdrawalDuty
from consents.services import consent_withdraw, duty_acknowledge, duty_notes_erase
from consents.services.withdrawals import consent_reasons_erase
from core.erased import REASON_ERASED
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, make_platform
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

SHOWN = {"vi": "Đã xóa theo yêu cầu của khách hàng", "en": "Erased at the customer's request"}


def _erased(subject):
    """A consent withdrawn with the customer's reason, its recipient's acknowledgement noted, both erased."""
    make_platform()
    partner = make_recipient("Bảo hiểm Đối tác")
    consent = grant(subject, make_purpose("bancassurance", category="sharing", recipients=[partner]))
    consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", reason="Tôi đổi ngân hàng")
    (duty,) = WithdrawalDuty.objects.filter(subject=subject)
    duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="E-mail của đối tác: đã xoá hồ sơ")
    assert duty_notes_erase(subject_id=subject.pk) == 1
    assert consent_reasons_erase(subject_id=subject.pk) == 1
    return consent


def _page(user, url: str) -> tuple[str, str]:
    """The page's text and the sentence an erased note reads in the page's language."""
    page = html.unescape(signed_in(user).get(url).content.decode())
    return page, SHOWN["vi" if '<html lang="vi"' in page else "en"]


def test_duty_list_shows_erased_note_as_sentence(subject, privacy_officer):
    _erased(subject)
    page, shown = _page(privacy_officer, reverse("consents:duty_list") + "?status=all")
    assert REASON_ERASED not in page
    assert shown in page


def test_staff_receipt_shows_erased_duty_note_and_reason_as_one_sentence(subject, privacy_officer):
    # The reason is in the receipt, in the customer's language; the recipient's note is the staff's.
    type(subject).objects.filter(pk=subject.pk).update(preferred_language="en")
    consent = _erased(subject)
    page, shown = _page(privacy_officer, reverse("consents:staff_receipt", args=[consent.pk]))
    assert REASON_ERASED not in page
    # The recipient's note and the withdrawal's reason, in the same words.
    assert page.count(shown) == 2
