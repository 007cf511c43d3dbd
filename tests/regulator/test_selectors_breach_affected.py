"""Who a breach affected among the customers of a consent-based purpose: those who gave their data
under it before the exposure ended, when the breach was detected (Form 08's customers to notify and the
breach mailing read this); of a non-consent purpose, those who were customers at the detection; never
those whose breached data was erased before the violation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consents import services as consent_services
from dsr.models import DataCategory, DeletionRecord, System
from regulator import services
from regulator.selectors import breach_affected_count, breach_affected_subjects
from tests.consents.factories import STAFF, grant
from tests.factories import make_subject
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_customer, make_inventory

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


def test_breach_affected_customers_of_a_contract_purpose_are_those_who_were_customers_at_detection():
    """Core banking serves a contract purpose: every customer's data is there, but one who joined the
    bank after the detection was never in the breached system while it was exposed."""
    make_inventory()
    make_catalogue()
    long_standing = make_customer(since=MONDAY - timedelta(days=400))
    at_detection = make_customer(since=MONDAY)
    make_customer(since=MONDAY + timedelta(days=20))
    breach = make_breach(systems=["core_banking"], categories=["accounts"], detected_at=MONDAY)
    affected = set(breach_affected_subjects(breach).values_list("pk", flat=True))
    assert affected == {long_standing.pk, at_detection.pk}
    phase = services.breach_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=2))
    assert phase.document["counts"]["customers_to_notify"] == 2


def _erased(subject, *, system: str, category: str, at):
    DeletionRecord.objects.create(
        subject_id=subject.pk,
        system=System.objects.get(code=system),
        category=DataCategory.objects.get(code=category),
        deleted_at=at,
        deleted_by_label="core banking",
    )


def test_breach_affected_customers_leave_out_those_whose_breached_data_was_erased_before_the_violation():
    """Data erased from the breached system before the violation was not there to leak; data erased
    in part, or after the violation, was exposed."""
    make_inventory()
    make_catalogue()
    erased, partly_erased, erased_later, kept = (make_customer() for _ in range(4))
    before = MONDAY - timedelta(days=30)
    for category in ("identity", "accounts"):
        _erased(erased, system="core_banking", category=category, at=before)
        _erased(erased_later, system="core_banking", category=category, at=MONDAY - timedelta(hours=1))
    _erased(partly_erased, system="core_banking", category="identity", at=before)
    _erased(partly_erased, system="crm", category="contact", at=before)
    breach = make_breach(systems=["core_banking"], categories=["identity", "accounts"], detected_at=MONDAY)
    affected = set(breach_affected_subjects(breach).values_list("pk", flat=True))
    assert affected == {partly_erased.pk, erased_later.pk, kept.pk}


def test_breach_affected_consenting_customers_leave_out_the_erased_too():
    make_inventory()
    purposes = make_catalogue()
    erased, kept = make_subject(), make_subject()
    for subject in (erased, kept):
        grant(subject, purposes["marketing"], now=MONDAY - timedelta(days=10))
    _erased(erased, system="crm", category="marketing", at=MONDAY - timedelta(days=2))
    breach = make_breach(systems=["crm"], categories=["marketing"], detected_at=MONDAY)
    assert set(breach_affected_subjects(breach).values_list("pk", flat=True)) == {kept.pk}
