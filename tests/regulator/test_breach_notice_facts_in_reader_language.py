"""What the breach's likely consequences are and what the bank did reach each customer in the language
they read: the DPO writes them in Vietnamese and, for the customers who read English, in English; an
English reader gets the Vietnamese text only when no English one was written."""

from __future__ import annotations

import pytest

from integrations.delivery import render_email
from integrations.models import OutboxMessage
from regulator import services
from regulator.services import breach_mailing
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db

CONSEQUENCES_VI = "Số tài khoản và số dư bị một nhà thầu xem."
MEASURES_VI = "Đã đóng thư mục, xoá tệp, đổi khoá truy cập."


def _bodies(breach) -> dict:
    services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    return {
        m.subject_id: render_email(m).body
        for m in OutboxMessage.objects.filter(topic=breach_mailing.CUSTOMER_TOPIC, kind="email")
    }


def test_an_english_reader_reads_the_english_text_and_a_vietnamese_reader_the_vietnamese(
    django_capture_on_commit_callbacks,
):
    make_inventory()
    make_catalogue()
    english, vietnamese = make_customer(preferred_language="en"), make_customer(preferred_language="vi")
    breach = make_breach(
        likely_consequences=CONSEQUENCES_VI, measures_taken=MEASURES_VI,
        likely_consequences_en="Account numbers and balances seen by a contractor.",
        measures_taken_en="Folder closed, files deleted, access keys rotated.",
    )
    with django_capture_on_commit_callbacks():
        bodies = _bodies(breach)
    assert "Likely consequences: Account numbers and balances seen by a contractor." in bodies[english.pk]
    assert "What we have done: Folder closed, files deleted, access keys rotated." in bodies[english.pk]
    assert CONSEQUENCES_VI not in bodies[english.pk] and MEASURES_VI not in bodies[english.pk]
    assert CONSEQUENCES_VI in bodies[vietnamese.pk] and MEASURES_VI in bodies[vietnamese.pk]
    assert "contractor" not in bodies[vietnamese.pk]


def test_without_an_english_text_the_english_reader_gets_the_vietnamese_one(
    django_capture_on_commit_callbacks,
):
    make_inventory()
    make_catalogue()
    english = make_customer(preferred_language="en")
    breach = make_breach(likely_consequences=CONSEQUENCES_VI, measures_taken=MEASURES_VI)
    with django_capture_on_commit_callbacks():
        bodies = _bodies(breach)
    assert CONSEQUENCES_VI in bodies[english.pk] and MEASURES_VI in bodies[english.pk]


def test_the_english_texts_are_corrected_like_the_other_facts():
    make_inventory()
    make_catalogue()
    breach = make_breach()
    services.breach_update(actor=DPO, breach_id=breach.pk, changes={"measures_taken_en": "  Keys rotated. "})
    breach.refresh_from_db()
    assert breach.measures_taken_en == "Keys rotated."
