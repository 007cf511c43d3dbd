"""What a customer or officer agrees to is what the grant records (domain notes, "Consent rules": a
widening is a new version; the receipt is frozen at the moment of agreement).

A widening takes effect at its date, but the purpose row only gets the new scope from the
`consents.apply_purpose_versions` job, every five minutes. In between, the grant already records the
new version (the notice in force): the pages that ask for agreement must show that version's scope
(recipients, sensitivity, destination abroad), not the purpose row's, and a version that changes
between showing and posting must be refused, not silently recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import Consent
from consents.receipts import consent_receipt
from tests.consents.factories import SYSTEM, announce_on_time, make_purpose, make_recipient
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def widened():
    """`sharing`, shared with a Vietnamese partner since v1; v2 adds a Japanese head office (data sent
    to JP, and sensitive data) and took effect a minute ago; the job has not run yet."""
    now = timezone.now()
    partner = make_recipient("Bảo hiểm Đối tác")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[partner], effective_at=now - timedelta(days=60)
    )
    head_office = services.recipient_create(
        actor=SYSTEM, name="Tokyo Head Office", kind="foreign_head_office", country="JP"
    )
    services.purpose_update(
        actor=SYSTEM,
        code="sharing",
        changes={"cross_border": True, "destination_country": "JP", "sensitive": True},
        recipients=[partner, head_office],
        notice_version="v2",
        effective_at=now - timedelta(minutes=1),
        now=now - timedelta(days=31),
    )
    announce_on_time("sharing")
    purpose.refresh_from_db()
    # The situation under test: v2 is in force, the purpose row still has v1's scope.
    assert not purpose.cross_border and not purpose.sensitive
    assert list(purpose.recipients.values_list("name", flat=True)) == ["Bảo hiểm Đối tác"]
    return purpose


def _section(page: str, testid: str, end: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index(end, start)]


def test_the_confirmation_shows_the_scope_of_the_version_the_grant_records(customer_a, widened):
    client = signed_in(customer_a)
    page = client.get("/en/me/consents/sharing/confirm/").content.decode()
    summary = _section(page, "consent-summary", "</section>")
    assert "Tokyo Head Office" in summary and "Bảo hiểm Đối tác" in summary
    assert "transferred abroad (JP)" in summary
    assert "sensitive personal data" in summary
    assert 'data-testid="ack-sharing"' in page  # the explicit acknowledgement v2 needs is asked for
    assert 'name="notice_version" value="v2"' in page

    client.post(
        "/en/me/consents/sharing/",
        {"on": "1", "confirmed": "1", "notice_version": "v2", "sensitive_acknowledged": "1"},
    )
    consent = Consent.objects.get(subject=customer_a.customer_account.subject)
    receipt = consent_receipt(consent)
    assert consent.notice.version == "v2"
    assert {r["name"] for r in receipt["recipients"]} == {"Tokyo Head Office", "Bảo hiểm Đối tác"}
    assert receipt["purpose"]["sensitive"] and receipt["purpose"]["destination_country"] == "JP"


def test_the_switches_page_shows_the_scope_of_the_version_in_force(customer_a, widened):
    page = signed_in(customer_a).get("/en/me/consents/").content.decode()
    card = _section(page, "purpose-sharing", "</article>")
    assert "Tokyo Head Office" in card and "Transferred abroad (JP)" in card and "Sensitive data" in card


def test_a_customer_who_read_the_older_version_is_shown_the_new_one_not_recorded(customer_a, widened):
    client = signed_in(customer_a)
    answer = client.post("/en/me/consents/sharing/", {"on": "1", "confirmed": "1", "notice_version": "v1"})
    assert not Consent.objects.exists()
    # Shown again: the confirmation with the version in force, not a silent grant.
    assert answer.status_code == 302 and answer.url.endswith("/en/me/consents/sharing/confirm/")
    page = client.get(answer.url).content.decode()
    assert "The notice changed while you were reading it" in page
    assert 'name="notice_version" value="v2"' in page


def test_the_staff_form_shows_the_scope_of_the_version_it_records(officer, subject, widened):
    client = signed_in(officer)
    page = client.get(f"/en/portal/customers/{subject.pk}/consents/new/").content.decode()
    section = _section(page, "purpose-sharing", "</section>")
    assert "version v2" in section
    assert "Tokyo Head Office" in section and "Bảo hiểm Đối tác" in section
    assert "(JP)" in section
    assert 'name="version_sharing" value="v2"' in section


def test_the_staff_form_refuses_a_version_changed_since_the_page_was_shown(officer, subject, widened):
    client = signed_in(officer)
    # The officer read v1 to the customer (the page they opened before v2 took effect) and posts it.
    answer = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        {
            "answer_sharing": "yes",
            "version_sharing": "v1",
            "sensitive_sharing": "on",
            "answered_by": "customer", "notice_given": "read_out", "channel": "branch",
            "evidence": "form 12",
        },
    )
    assert not Consent.objects.exists()
    page = answer.content.decode()
    assert answer.status_code == 200 and "not the current one" in page
    # Shown again with the version in force, for the officer to read to the customer.
    assert 'name="version_sharing" value="v2"' in page
