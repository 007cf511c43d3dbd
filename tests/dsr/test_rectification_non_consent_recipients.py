"""A rectification reaches the recipients of the purposes that rest on no consent too (a contract's card
printer, the credit bureau a legal obligation reports to): they process the customer's data whatever
the customer consented to, so they are told of the correction, of the fields their purpose shares."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consents.models import Purpose, WithdrawalDuty
from dsr import services
from dsr.models import FulfilmentTask
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "12 Lý Thái Tổ, Hà Nội"


def _rectified(subject, corrections):
    request = verified_request(subject, type="rectify", corrections=corrections)
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    return services.request_complete(actor=STAFF, request_id=request.pk)


def _told():
    notices = WithdrawalDuty.objects.filter(kind=WithdrawalDuty.Kind.RECTIFICATION)
    return {duty.recipient.name: duty for duty in notices.select_related("recipient")}


@pytest.fixture
def processors():
    make_inventory()
    printer = make_recipient("Card Printing Co", kind="processor")
    bureau = make_recipient("CIC", kind="credit_bureau")
    make_purpose("cards", legal_basis="contract", category="service", recipients=[printer])
    make_purpose(
        "cic-reporting", legal_basis="legal_obligation", category="compliance", recipients=[bureau],
        transfer_exemption="legal_disclosure",
    )
    return printer, bureau


def test_the_processors_of_a_contract_and_a_legal_obligation_are_told(subject, processors):
    insurer = make_recipient("Partner Insurance")
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    request = _rectified(subject, {"address": NEW_ADDRESS})
    told = _told()
    assert set(told) == {"Card Printing Co", "CIC", "Partner Insurance"}
    printed = told["Card Printing Co"]
    assert (printed.consent_id, printed.purpose.code, printed.fields) == (None, "cards", ["address"])
    assert printed.source == f"dsr.request:{request.pk}"


def test_a_purpose_sharing_other_categories_is_not_told(subject, processors):
    make_purpose(
        "card-delivery", legal_basis="contract", recipients=[make_recipient("Courier Co", kind="processor")],
        data_categories=["identity"],
    )
    _rectified(subject, {"address": NEW_ADDRESS})
    assert "Courier Co" not in _told()


def test_the_duties_page_names_the_purpose_of_a_notice_without_consent(subject, processors, client, dpo):
    _rectified(subject, {"address": NEW_ADDRESS})
    client.force_login(dpo)
    page = client.get(reverse("consents:duty_list") + "?kind=rectification").content.decode()
    page = page.split('data-testid="duty-table"', 1)[1]  # after the filters, which name every recipient
    row = page[page.index("Card Printing Co") - 200 : page.index("Card Printing Co")]
    assert Purpose.objects.get(code="cards").name_vi in row
