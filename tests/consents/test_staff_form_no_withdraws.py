"""A consent form records each purpose's yes or no; a "no" to a purpose the customer has consented to is
their withdrawal, given through the channel the consent was given through, and as easily (domain notes).
The form refused it (409 `refusal_needs_withdrawal`, nothing of the form written), sending the officer to
another page. Now the form tells the officer, beside that purpose, what withdrawing means (explained
first), and its "no" withdraws the consent with the form's channel and evidence, in the form's
transaction, the recipients told to stop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentEvent, WithdrawalDuty
from tests.consents.factories import consent_form_body, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _purposes():
    partner = make_recipient("Bảo hiểm Đối tác")
    return make_purpose("marketing", category="marketing"), make_purpose(
        "sharing", category="sharing", recipients=[partner]
    )


def test_the_form_says_what_a_no_means_beside_a_purpose_the_customer_consented_to(client, officer):
    _marketing, sharing = _purposes()
    subject = make_subject()
    grant(subject, sharing)
    client.force_login(officer)

    page = client.get(f"/en/portal/customers/{subject.pk}/consents/new/").content.decode()

    told = page[page.index('data-testid="if-no-sharing"') :]
    told = told[: told.index("</div>")]
    assert "withdraw" in told.lower() and "Bảo hiểm Đối tác" in told
    assert 'data-testid="if-no-marketing"' not in page  # nothing to withdraw there


def test_a_no_on_the_form_withdraws_the_live_consent_with_the_forms_proof(client, officer):
    _marketing, sharing = _purposes()
    subject = make_subject()
    consent = grant(subject, sharing, channel="branch", evidence="FORM-1")
    client.force_login(officer)

    response = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        consent_form_body({"marketing": "yes", "sharing": "no"}, channel="paper_form", evidence="FORM-2"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    consent.refresh_from_db()
    assert consent.status == "withdrawn" and consent.withdrawal_channel == "paper_form"
    event = ConsentEvent.objects.get(consent=consent, kind="withdrawn")
    assert event.evidence == "FORM-2"
    assert WithdrawalDuty.objects.filter(consent=consent, recipient__name="Bảo hiểm Đối tác").exists()
    assert Consent.objects.get(subject=subject, purpose__code="marketing").status == "granted"
    summary = client.get(response.url).content.decode()
    assert "Withdrawn" in summary and "Granted" in summary


def test_the_form_does_not_say_a_no_withdraws_a_consent_whose_term_has_run_out(client, officer):
    """Past its term the consent is not withdrawn: the form's "no" records its expiry and a refusal
    (`consent_withdraw_refusal`: TERM_ENDED), so the page does not tell the officer it withdraws."""
    _marketing, sharing = _purposes()
    subject = make_subject()
    consent = grant(subject, sharing)
    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(officer)

    page = client.get(f"/en/portal/customers/{subject.pk}/consents/new/").content.decode()

    assert 'data-testid="if-no-sharing"' not in page
