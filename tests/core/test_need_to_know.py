"""Need to know: staff see personal values masked until they give a reason, recorded in the audit
entry; integration clients see them only with the `subjects:pii` scope; customers see their own."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from tests.dsr.factories import reference_of_a_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject():
    return make_subject(
        full_name="Võ Thị Sáu",
        national_id="001199000123",
        phone="0912000111",
        email="sau.vo@example.vn",
        address="12 Lý Thái Tổ",
    )


def _views(subject):
    return list(
        AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject.pk)
        .order_by("sequence")
        .values_list("data", flat=True)
    )


def test_staff_api_answers_masked_without_a_reason(as_user, officer, subject):
    response = as_user(officer).get(f"/api/v1/subjects/{subject.pk}/")
    body = response.json()
    assert "no-store" in response["Cache-Control"]
    assert body["masked"] is True
    assert (body["full_name"], body["national_id"], body["phone"], body["email"]) == (
        "V*** T*** S***",
        "********0123",
        "******0111",
        "s***@example.vn",
    )
    assert body["date_of_birth"] is None and body["address"] == "***"
    assert body["external_ref"] == subject.external_ref
    listed = as_user(officer).get("/api/v1/subjects/", {"external_ref": subject.external_ref}).json()
    assert listed["results"][0]["phone"] == "******0111"
    assert _views(subject)[0] == {"context": "api.detail", "revealed": False, "reason": ""}


def test_staff_api_reveals_with_a_reason_recorded_in_the_audit(as_user, officer, subject):
    response = as_user(officer).get(
        f"/api/v1/subjects/{subject.pk}/", HTTP_X_ACCESS_REASON="complaint R-2026-0042"
    )
    body = response.json()
    assert body["masked"] is False and body["full_name"] == "Võ Thị Sáu" and body["phone"] == "0912000111"
    assert _views(subject) == [{"context": "api.detail", "revealed": True, "reason": "complaint R-2026-0042"}]


def test_integration_clients_need_the_pii_scope(as_user, client_user, subject):
    narrow = as_user(client_user, scopes=["subjects:read"]).get(f"/api/v1/subjects/{subject.pk}/").json()
    assert narrow["masked"] is True and narrow["phone"] == "******0111"
    full = as_user(client_user, scopes=["subjects:read", "subjects:pii"]).get(
        f"/api/v1/subjects/{subject.pk}/"
    )
    assert full.json()["masked"] is False and full.json()["phone"] == "0912000111"


def test_a_customer_sees_their_own_values(as_user, customer_a):
    own = customer_a.customer_account.subject
    body = as_user(customer_a).get(f"/api/v1/subjects/{own.pk}/").json()
    assert body["masked"] is False and body["full_name"] == own.full_name


def test_the_staff_page_is_masked_until_a_reason_is_given(officer, subject):
    client = Client()
    client.force_login(officer)
    url = f"/en/portal/customers/{subject.pk}/"
    page = client.get(url).content.decode()
    assert "Võ Thị Sáu" not in page and "V*** T*** S***" in page and "0912000111" not in page
    assert 'data-testid="reveal-form"' in page
    missing_note = client.post(url, {"reason": "request"}).content.decode()
    assert "Võ Thị Sáu" not in missing_note and "Give the request" in missing_note
    reference = reference_of_a_request(subject)
    shown = client.post(url, {"reason": "request", "note": reference}).content.decode()
    assert "Võ Thị Sáu" in shown and "0912000111" in shown and 'data-testid="reveal-form"' not in shown
    assert [v["reason"] for v in _views(subject)] == ["", "", f"request — {reference}"]
    assert [v["revealed"] for v in _views(subject)] == [False, False, True]


def test_a_reason_shows_one_customer_not_the_whole_customer_list(as_user, officer, subject):
    """One complaint's reason is no need to know every customer: on the list not narrowed to one
    customer number it is refused, and nobody's values were shown or logged as shown."""
    make_subject(full_name="Trần Văn Bảy", national_id="001199000777")
    listed = as_user(officer).get("/api/v1/subjects/?limit=500", HTTP_X_ACCESS_REASON="complaint R-2026-0042")
    assert listed.status_code == 400
    assert "X-Access-Reason" in listed.json()
    assert not AuditEntry.objects.filter(action="core.subject.viewed", data__revealed=True).exists()
    narrowed = as_user(officer).get(
        "/api/v1/subjects/", {"external_ref": subject.external_ref},
        HTTP_X_ACCESS_REASON="complaint R-2026-0042",
    )
    assert narrowed.status_code == 200 and narrowed.json()["results"][0]["national_id"] == "001199000123"
