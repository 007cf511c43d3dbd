"""A customer's e-mail subject carries no internal tag: "[QDL] Your request ..." reads like phishing to a
bank's customer. Staff mail keeps `EMAIL_SUBJECT_PREFIX` (their mailbox rules sort on it); customers'
takes `CUSTOMER_EMAIL_SUBJECT_PREFIX`, empty unless the bank sets one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from integrations.delivery import render_email
from integrations.outbox import email_message

NOW = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
CONTEXT = {"reference": "YC-260309-AB12CD", "type_label": "Access", "link": "https://portal.example/r/1/"}


def _subject(*, subject_id) -> str:
    message = email_message(
        to="someone@example.com",
        template="dsr/email/customer_replied",
        context=CONTEXT,
        dedupe_key="prefix-test",
        topic="tests.prefix",
        language="en",
        subject_id=subject_id,
        now=NOW,
    )
    return render_email(message).subject


def test_a_customers_email_subject_carries_no_internal_tag(settings):
    settings.EMAIL_SUBJECT_PREFIX = "[QDL] "
    assert _subject(subject_id=uuid.uuid4()) == "The customer answered on request YC-260309-AB12CD"
    assert _subject(subject_id=None) == "[QDL] The customer answered on request YC-260309-AB12CD"


def test_the_bank_may_tag_customer_mail_with_a_setting_of_its_own(settings):
    settings.CUSTOMER_EMAIL_SUBJECT_PREFIX = "Ngân hàng QDL: "
    assert _subject(subject_id=uuid.uuid4()).startswith("Ngân hàng QDL: The customer answered")
