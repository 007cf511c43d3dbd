"""The notices a correction sent to recipients are shown under the purpose the recipient received the
data for, in the customer's access export and in the proof bundle: those of a purpose resting on no
consent (a contract's card printer) too, which no consent lists."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import WithdrawalDuty
from dsr import services
from dsr.models import FulfilmentTask
from regulator.proof_bundle import proof_bundle
from tests.consents.factories import make_purpose, make_recipient
from tests.dsr.factories import STAFF, VN, make_inventory, verified_request

pytestmark = pytest.mark.django_db


def _download(request, format):
    return services.export_download(actor=STAFF, request=request, format=format, language="en").body.decode()


def _answered(subject, type, **fields):
    request = verified_request(subject, type=type, **fields)
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    return services.request_complete(actor=STAFF, request_id=request.pk)


@pytest.fixture
def printed(subject):
    """The card printer of a contract, told of the customer's corrected address."""
    make_inventory()
    make_purpose(
        "cards", legal_basis="contract", category="service",
        recipients=[make_recipient("Card Printing Co", kind="processor")],
    )
    _answered(subject, "rectify", corrections={"address": "12 Lý Thái Tổ, Hà Nội"})
    return WithdrawalDuty.objects.get(kind=WithdrawalDuty.Kind.RECTIFICATION, consent=None)


def test_the_customers_export_lists_a_correction_passed_on_under_its_purpose(subject, printed):
    request = _answered(subject, "access")
    body = json.loads(_download(request, "json"))
    assert body["corrections_passed_on"] == [
        {
            "purpose": "cards",
            "purpose_label": printed.purpose.name_en,
            "notices": [
                {
                    "recipient": "Card Printing Co",
                    "recipient_id": printed.recipient_id,
                    "recipient_label": "Card Printing Co",
                    "fields": ["address"],
                    "sent_at": printed.received_at.astimezone(VN).isoformat(),
                    "due_at": printed.due_at.astimezone(VN).isoformat(),
                    "acknowledged_at": None,
                    "late": False,
                    "status": "open",
                    "status_label": "Open",
                    "called_off_at": None,
                }
            ],
        }
    ]
    html = _download(request, "html")
    section = html[html.index('data-testid="export-corrections"'):].split("</table>")[0]
    assert "Card Printing Co" in section and printed.purpose.name_en in section
    rows = _download(request, "csv").splitlines()
    assert any(row.startswith("Correction passed on") and "Card Printing Co" in row for row in rows)


def test_the_proof_bundle_lists_a_correction_passed_on_under_its_purpose(subject, printed):
    later = timezone.now() + timedelta(days=1)
    bundle = proof_bundle(subject, generated_by=STAFF, now=later)
    cards = next(section for section in bundle["consents"] if section["purpose"]["code"] == "cards")
    assert cards["events"] == []  # a contract: no consent event, the notice alone
    assert cards["rectification_notices"] == [
        {
            "recipient": "Card Printing Co",
            "fields": ["address"],
            "sent_at": printed.received_at.astimezone(VN).isoformat(),
            "due_at": printed.due_at.astimezone(VN).isoformat(),
            "confirmed_at": None,
            "confirmed_by": None,
            "result": "open",
            "told_at": None,
            "notice": "none",
            "learnt": None,
            "confirmed_through": None,
            "confirmation_note": None,
            "confirmation_reference": None,
        }
    ]
