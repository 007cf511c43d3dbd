"""Who a breach affected among the customers of a consent-based purpose: those who gave their data
under it before the exposure ended, when the breach was detected (Form 08's customers to notify and the
breach mailing read this)."""

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


def test_breach_affected_customers_include_consents_given_while_the_breach_went_on():
    """The breach happened (occurred_at) five hours before it was detected on MONDAY, and it exposed
    what the system held all that time: data given under a consent between the violation and its
    detection counts (counting only up to occurred_at would under-notify); data first given after the
    detection was not exposed. A consent given before counts even when it has since been withdrawn
    (the data stays until deleted)."""
    make_inventory()
    purposes = make_catalogue()
    marketing = purposes["marketing"]
    before, withdrawn, between, at_detection, after = (make_subject() for _ in range(5))
    grant(before, marketing, now=MONDAY - timedelta(days=10))
    consent = grant(withdrawn, marketing, now=MONDAY - timedelta(days=10))
    consent_services.consent_withdraw(
        actor=STAFF, consent_id=consent.pk, channel="branch", now=MONDAY - timedelta(days=5)
    )
    # Between the violation (MONDAY - 5 h) and its detection, at the detection, then after it.
    grant(between, marketing, now=MONDAY - timedelta(hours=2))
    grant(at_detection, marketing, now=MONDAY)
    grant(after, marketing, now=MONDAY + timedelta(hours=1))
    breach = make_breach(systems=["crm"], categories=["marketing"], detected_at=MONDAY)
    assert breach.occurred_at == MONDAY - timedelta(hours=5)
    affected = set(breach_affected_subjects(breach).values_list("pk", flat=True))
    assert affected == {before.pk, withdrawn.pk, between.pk, at_detection.pk}
    assert breach_affected_count(breach) == 4
