"""An e-mail that tells the customer to call the bank's hotline gives its number when the bank set one
(`BANK_HOTLINE`), as the SMS ending does, through the same helper (`integrations.delivery.bank_hotline`):
"call the hotline" alone leaves a worried customer searching for it. Without one, the sentence as before."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from integrations.delivery import render_email
from integrations.outbox import email_message

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
HOTLINE = "1800 5454"
SAID_WITHOUT_A_NUMBER = {
    "consents/email/phone_recorded": (
        "If you did not ask for this, call the bank's hotline or visit a branch at once: "
        "we will correct the record."
    ),
    "regulator/email/breach_customer": (
        "Watch your accounts for transactions you do not recognise and call the hotline at once if you "
        "see one. The bank will never ask you for your password or OTP code."
    ),
}
TEMPLATES = {
    "consents/email/phone_recorded": {"given": ["Marketing"], "recorded_at": NOW.isoformat()},
    "regulator/email/breach_customer": {
        "detected_at": NOW.isoformat(), "categories": ["Accounts"], "likely_consequences": "-",
        "measures_taken": "-", "reference": "BR-1",
    },
}


def _body(template: str, language: str) -> str:
    message = email_message(
        to="c@example.com", template=template, context=TEMPLATES[template], dedupe_key="k", topic="t",
        language=language, now=NOW,
    )
    return render_email(message).body


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_the_e_mail_gives_the_hotline_number_when_set(settings, template, language):
    settings.BANK_HOTLINE = HOTLINE
    assert HOTLINE in _body(template, language)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_without_a_hotline_the_e_mail_says_what_it_said(settings, template, language):
    settings.BANK_HOTLINE = ""
    with translation.override(language):
        said = translation.gettext(SAID_WITHOUT_A_NUMBER[template])
    assert said in _body(template, language)
