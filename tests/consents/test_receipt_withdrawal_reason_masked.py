"""A withdrawal reason is the customer's own words (often about health, money or family): on the staff
copy of a receipt, page, file and API, it is masked until staff say why they need it, and the view is
recorded (`core.subject.viewed`), as a request's details are; an integration client needs the
`subjects:pii` scope. The customer's own copy shows it. Only what is shown changes: the receipt of an
event is otherwise the same document."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from consents import services
from consents.receipts import consent_receipt
from subjects.disclosure import MASKED_TEXT
from tests.consents.factories import STAFF, grant
from tests.dsr.factories import reference_of_a_request
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db
WORDS = "Tôi đang điều trị bệnh, đổi số 0987654321"


@pytest.fixture
def withdrawn(catalogue):
    consent = grant(make_subject(), catalogue["sharing"], channel="branch")
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", reason=WORDS)
    return consent


def _views(consent) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(action="core.subject.viewed", subject_id=consent.subject_id)
        .order_by("sequence").values_list("actor_label", "data")
    )


def _page_url(consent) -> str:
    with translation.override("en"):
        return reverse("consents:staff_receipt", args=[consent.pk])


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_the_staff_page_and_file_mask_the_reason_until_a_reason_to_see_it_is_given(withdrawn, role, request):
    user = request.getfixturevalue(role)
    page = signed_in(user).get(_page_url(withdrawn))
    assert page.status_code == 200
    html = page.content.decode()
    assert WORDS not in html and MASKED_TEXT in html and 'data-testid="reveal-form"' in html
    assert _views(withdrawn)[-1] == (user.username, {"context": "portal.consent_receipt", "revealed": False,
                                                     "reason": ""})
    document = signed_in(user).get(_page_url(withdrawn), {"format": "json"}).json()
    assert document["events"][-1]["reason"] == MASKED_TEXT

    reference = reference_of_a_request(withdrawn.subject)
    shown = signed_in(user).post(_page_url(withdrawn), {"reason": "request", "note": reference})
    assert shown.status_code == 200 and WORDS in shown.content.decode()
    assert _views(withdrawn)[-1] == (user.username, {"context": "portal.consent_receipt", "revealed": True,
                                                     "reason": f"request — {reference}"})


def test_the_api_masks_the_reason_for_staff_without_a_reason_and_for_a_client_without_the_pii_scope(
    withdrawn, officer, client_user, as_user
):
    url = f"/api/v1/consents/{withdrawn.pk}/receipt/"
    masked = as_user(officer).get(url).json()
    assert masked["events"][-1]["reason"] == MASKED_TEXT
    shown = as_user(officer).get(url, HTTP_X_ACCESS_REASON="complaint 42").json()
    assert shown["events"][-1]["reason"] == WORDS
    assert _views(withdrawn)[-2:] == [
        (officer.username, {"context": "api.consent_receipt", "revealed": False, "reason": ""}),
        (officer.username, {"context": "api.consent_receipt", "revealed": True, "reason": "complaint 42"}),
    ]
    without_pii = as_user(client_user, scopes=["consents:read"]).get(url).json()
    assert without_pii["events"][-1]["reason"] == MASKED_TEXT
    with_pii = as_user(client_user, scopes=["consents:read", "subjects:pii"]).get(url).json()
    assert with_pii["events"][-1]["reason"] == WORDS
    # Only the reason differs: the receipt is the same document, byte for byte once shown.
    assert {**masked, "events": masked["events"][:-1]} == {**shown, "events": shown["events"][:-1]}
    assert {k: v for k, v in masked["events"][-1].items() if k != "reason"} == {
        k: v for k, v in shown["events"][-1].items() if k != "reason"
    }
    assert shown == consent_receipt(withdrawn)


def test_the_customers_own_receipt_shows_their_reason(customer_a, catalogue, as_user):
    subject = customer_a.customer_account.subject
    consent = grant(subject, catalogue["sharing"], channel="branch")
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", reason=WORDS)
    receipt = as_user(customer_a).get(f"/api/v1/consents/{consent.pk}/receipt/").json()
    assert receipt["events"][-1]["reason"] == WORDS
    page = signed_in(customer_a).get(f"/en/me/consents/{consent.pk}/receipt/")
    assert page.status_code == 200 and WORDS in page.content.decode()
