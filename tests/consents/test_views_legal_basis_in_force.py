"""The legal basis the DPO's purpose list and a consent's receipt page show is not the purpose row's,
which the job (`purpose_versions_apply_due`) updates only minutes after a new version takes effect:
the list shows the basis of the version in force, as the consent check judges by; the receipt the basis
of the version in force when the customer agreed, frozen in the receipt (what its download says)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import Purpose
from consents.services import purpose_versions_apply_due
from tests.consents.factories import (
    SYSTEM,
    changed_a_minute_ago,
    grant,
    make_purpose,
    version_in_force_since,
)
from tests.factories import signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _row(page: str, code: str) -> str:
    start = page.index(f'<td class="mono">{code}</td>')
    return page[start : page.index("</tr>", start)]


def test_the_purpose_list_shows_the_basis_of_the_version_in_force(dpo):
    changed_a_minute_ago("profiling", {"legal_basis": "contract"}, category="analytics")

    page = signed_in(dpo).get("/en/portal/purposes/").content.decode()

    row = _row(page, "profiling")
    assert "<td>Contract</td>" in row
    assert "<td>Consent</td>" not in row


def test_a_version_not_yet_in_force_does_not_change_the_basis_shown(dpo):
    now = timezone.now()
    make_purpose("scoring", effective_at=now - timedelta(days=90), category="analytics")
    later = now + timedelta(days=40)
    services.purpose_update(
        actor=SYSTEM, code="scoring", changes={"legal_basis": "contract"}, effective_at=later
    )

    page = signed_in(dpo).get("/en/portal/purposes/").content.decode()

    assert "<td>Consent</td>" in _row(page, "scoring")


def test_the_purpose_list_reads_the_versions_in_force_without_a_query_per_purpose(dpo):
    client = signed_in(dpo)
    for i in range(2):
        changed_a_minute_ago(f"first-{i}", {"legal_basis": "contract"}, category="analytics")
    with_2 = queries_of(lambda: client.get("/en/portal/purposes/"))
    for i in range(8):
        changed_a_minute_ago(f"more-{i}", {"legal_basis": "contract"}, category="analytics")
    with_10 = queries_of(lambda: client.get("/en/portal/purposes/"))
    assert with_10 == with_2


def _legal_basis_shown(page: str) -> str:
    start = page.index("Legal basis</dt><dd>") + len("Legal basis</dt><dd>")
    return page[start : page.index("</dd>", start)]


def test_the_receipt_keeps_the_basis_the_customer_agreed_on(customer_a):
    """The customer consented under a version resting on consent; the purpose since moved to a legal
    obligation and the job copied it onto the row. The receipt page said "Legal obligation", against its
    own download and the notice it shows."""
    subject = customer_a.customer_account.subject
    now = timezone.now()
    purpose = make_purpose("statements", effective_at=now - timedelta(days=90), category="service")
    consent = grant(subject, purpose, now=now - timedelta(days=60))
    version_in_force_since("statements", {"legal_basis": "legal_obligation"}, ago=timedelta(minutes=10))
    purpose_versions_apply_due(now=now)
    assert Purpose.objects.get(code="statements").legal_basis == "legal_obligation"

    client = signed_in(customer_a)
    url = f"/en/me/consents/{consent.pk}/receipt/"
    page = client.get(url).content.decode()
    document = client.get(url, {"format": "json"}).json()

    assert document["purpose"]["legal_basis"] == "consent"
    assert _legal_basis_shown(page) == "Consent"
