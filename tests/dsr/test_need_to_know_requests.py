"""Need to know on the request pages, the request API and the data exports (#13): a request's free
text and corrected values are masked for staff until they give a reason, recorded in the audit
entry; the customer's own data export is never masked, and a staff download records the request as
its reason."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from dsr import services
from tests.dsr.factories import STAFF, make_request, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

DETAILS = "Tôi là Võ Thị Sáu, gọi tôi theo số 0912000111"


@pytest.fixture
def rectify(subject):
    return make_request(
        subject, type="rectify", details=DETAILS,
        corrections={"phone": "0987654321", "address": "99 Nguyễn Huệ"},
    )


def _views(subject):
    return list(
        AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject.pk)
        .order_by("sequence")
        .values_list("data", flat=True)
    )


def _page(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_request_page_is_masked_until_a_reason_is_given(privacy_officer, subject, rectify):
    client = _page(privacy_officer)
    with translation.override("en"):
        url = reverse("dsr:detail", args=[rectify.pk])
    page = client.get(url).content.decode()
    assert "Võ Thị Sáu" not in page and "0987654321" not in page and "Nguyễn Huệ" not in page
    assert "******4321" in page and 'data-masked="true"' in page and 'data-testid="reveal-form"' in page
    refused = client.post(url, {"access-reason": "other"}).content.decode()
    assert "Võ Thị Sáu" not in refused and "0987654321" not in refused
    assert "Give the request, complaint or case number, or explain." in refused
    reason = {"access-reason": "request", "access-note": str(rectify.pk)[:8]}
    shown = client.post(url, reason).content.decode()
    assert "Võ Thị Sáu" in shown and "0987654321" in shown and "99 Nguyễn Huệ" in shown
    assert 'data-testid="reveal-form"' not in shown
    assert [(v["context"], v["revealed"], v["reason"]) for v in _views(subject)] == [
        ("portal.request", False, ""),
        ("portal.request", False, ""),
        ("portal.request", True, f"request — {str(rectify.pk)[:8]}"),
    ]


def test_the_request_api_is_masked_without_a_reason(as_user, privacy_officer, subject, rectify):
    api = as_user(privacy_officer)
    url = f"/api/v1/requests/{rectify.pk}/"
    body = api.get(url).json()
    assert body["masked"] is True and body["details"] == "***"
    assert body["corrections"] == {"phone": "***", "address": "***"}
    shown = api.get(url, HTTP_X_ACCESS_REASON=f"rectification {rectify.pk}").json()
    assert shown["masked"] is False and shown["details"] == DETAILS
    assert shown["corrections"] == {"phone": "0987654321", "address": "99 Nguyễn Huệ"}
    blank = api.get(url, HTTP_X_ACCESS_REASON="   ")
    assert blank.status_code == 400
    # The message names the header, in the caller's language (Vietnamese by default).
    assert "Hãy nêu lý do cần xem dữ liệu cá nhân" in blank.json()["X-Access-Reason"][0]
    assert "X-Access-Reason" in blank.json()["X-Access-Reason"][0]
    assert [(v["revealed"], v["reason"]) for v in _views(subject)] == [
        (False, ""),
        (True, f"rectification {rectify.pk}"),
    ]


def test_a_blank_reason_on_the_subjects_api_is_refused(as_user, officer, subject):
    response = as_user(officer).get(f"/api/v1/subjects/{subject.pk}/", HTTP_X_ACCESS_REASON="")
    assert response.status_code == 400 and "X-Access-Reason" in response.json()
    assert _views(subject) == []


def test_integration_clients_see_request_details_only_with_the_pii_scope(as_user, client_user, rectify):
    url = f"/api/v1/requests/{rectify.pk}/"
    narrow = as_user(client_user, scopes=["requests:read"]).get(url).json()
    assert narrow["masked"] is True and narrow["details"] == "***"
    full = as_user(client_user, scopes=["requests:read", "subjects:pii"]).get(url).json()
    assert full["masked"] is False and full["details"] == DETAILS


def test_a_customer_sees_their_own_request_unmasked(as_user, customer_a):
    own = customer_a.customer_account.subject
    request = make_request(own, type="rectify", details=DETAILS, corrections={"address": "99 Nguyễn Huệ"})
    body = as_user(customer_a).get(f"/api/v1/requests/{request.pk}/").json()
    assert body["masked"] is False and body["details"] == DETAILS
    assert body["corrections"] == {"address": "99 Nguyễn Huệ"}


def test_a_staff_download_records_the_request_as_its_reason(as_user, privacy_officer, customer_a):
    own = customer_a.customer_account.subject
    request = verified_request(own, type="copy")
    services.request_complete(actor=STAFF, request_id=request.pk)
    page = _page(privacy_officer).get(reverse("dsr:staff_export", args=[request.pk, "json"]))
    assert page.status_code == 200 and own.full_name in page.content.decode()
    api = as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/export/")
    assert api.status_code == 200 and own.full_name in api.content.decode()
    mine = as_user(customer_a).get(f"/api/v1/requests/{request.pk}/export/")
    assert mine.status_code == 200 and own.full_name in mine.content.decode()
    downloads = AuditEntry.objects.filter(action="dsr.export.downloaded").order_by("sequence")
    assert [(d.actor_kind, d.data.get("reason")) for d in downloads] == [
        ("staff", f"request {request.pk}"),
        ("staff", f"request {request.pk}"),
        ("customer", None),
    ]


def test_the_look_up_results_show_no_personal_values(officer):
    first = make_subject(full_name="Lê Văn Một", phone="0911222333")
    second = make_subject(full_name="Lê Văn Hai", phone="0911222333")
    page = _page(officer).post("/en/portal/customers/", {"q": "0911222333"}).content.decode()
    assert first.external_ref in page and second.external_ref in page
    assert "Lê Văn" not in page and "0911222333" not in page.split("<table", 1)[-1]
