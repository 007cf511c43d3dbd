"""Who a breach affected among the customers of a consent-based purpose: those who gave their data
under it before the breach happened (Form 08's customers to notify and the breach mailing read this)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consents import services as consent_services
from regulator.selectors import breach_affected_count, breach_affected_subjects
from tests.consents.factories import STAFF, grant
from tests.factories import make_subject
from tests.regulator.factories import MONDAY, make_breach, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


def _refuse(subject, purpose, *, now=None):
    notice = purpose.notices.order_by("-effective_at").first()
    return consent_services.consent_refuse(
        actor=STAFF,
        request=consent_services.GrantRequest(
            subject=subject, purpose=purpose, notice_version=notice.version, channel="branch",
            evidence="form-0002",
        ),
        now=now,
    )


def test_breach_affected_customers_leave_out_those_who_refused_the_purpose():
    """A customer who said "no" to marketing never gave the CRM their data under it."""
    make_inventory()
    purposes = make_catalogue()
    agreed, refused = make_subject(), make_subject()
    grant(agreed, purposes["marketing"], now=MONDAY - timedelta(days=1))
    _refuse(refused, purposes["marketing"], now=MONDAY - timedelta(days=1))
    breach = make_breach(systems=["crm"], categories=["marketing"], detected_at=MONDAY)
    affected = set(breach_affected_subjects(breach).values_list("pk", flat=True))
    assert affected == {agreed.pk}
    assert breach_affected_count(breach) == 1


def test_breach_affected_customers_leave_out_consents_first_given_after_the_breach_happened():
    """The breach happened (occurred_at) five hours before it was detected on MONDAY: data given under
    a consent after the violation was not there to be exposed; a consent given before it counts even
    when it has since been withdrawn (the data stays until deleted)."""
    make_inventory()
    purposes = make_catalogue()
    marketing = purposes["marketing"]
    before, withdrawn, between, after = (make_subject() for _ in range(4))
    grant(before, marketing, now=MONDAY - timedelta(days=10))
    consent = grant(withdrawn, marketing, now=MONDAY - timedelta(days=10))
    consent_services.consent_withdraw(
        actor=STAFF, consent_id=consent.pk, channel="branch", now=MONDAY - timedelta(days=5)
    )
    # Between the violation (MONDAY - 5 h) and its detection, then after its detection.
    grant(between, marketing, now=MONDAY - timedelta(hours=2))
    grant(after, marketing, now=MONDAY + timedelta(hours=1))
    breach = make_breach(systems=["crm"], categories=["marketing"], detected_at=MONDAY)
    assert breach.occurred_at == MONDAY - timedelta(hours=5)
    affected = set(breach_affected_subjects(breach).values_list("pk", flat=True))
    assert affected == {before.pk, withdrawn.pk}
