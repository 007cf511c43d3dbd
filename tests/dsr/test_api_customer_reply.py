"""`POST /api/v1/requests/{id}/reply/`: the customer answers the bank's question from the mobile app,
through the service the customer page calls (`request_customer_reply`), offered as `reply` in the
request's `allowed_actions` exactly when the page shows its reply form (`request_allowed_actions`)."""

import pytest

from audit.models import AuditEntry
from dsr.models import DataSubjectRequest
from dsr.services import MAX_REPLY_LENGTH
from integrations.models import OutboxMessage
from tests.consents.factories import child_of
from tests.dsr.factories import BANKS_QUESTION, awaiting_customer, make_request

pytestmark = pytest.mark.django_db

ANSWER = "Tôi đã gửi ảnh qua email chi nhánh Hoàn Kiếm"


def subject_of(user):
    return user.customer_account.subject


def reply_url(request) -> str:
    return f"/api/v1/requests/{request.pk}/reply/"


def test_the_customer_answers_through_the_api_and_gets_the_request_back(as_user, customer_a, privacy_officer):
    privacy_officer.email = "privacy@bank.example"
    privacy_officer.save(update_fields=["email"])
    request = awaiting_customer(subject_of(customer_a), details="Tôi muốn sao kê")
    api = as_user(customer_a)
    assert api.get(f"/api/v1/requests/{request.pk}/").json()["allowed_actions"] == ["cancel", "reply"]

    answer = api.post(reply_url(request), {"text": f"  {ANSWER}  "}, format="json")

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["id"] == str(request.pk) and body["status"] == "in_progress" and body["paused_at"] is None
    assert body["allowed_actions"] == ["cancel"]  # answered; the request may still be cancelled
    # The customer's own request reads as on GET: their details are not masked from them.
    assert body["masked"] is False and body["details"] == "Tôi muốn sao kê"
    assert [(h["old_status"], h["new_status"], h["note"]) for h in body["history"][-2:]] == [
        ("in_progress", "awaiting_customer", BANKS_QUESTION),
        ("awaiting_customer", "in_progress", ANSWER),
    ]
    assert body["history"][-1]["actor"] == "customer"
    entry = AuditEntry.objects.get(action="dsr.request.customer_replied", target_id=str(request.pk))
    assert entry.subject_id == subject_of(customer_a).pk and entry.actor_user_id == customer_a.pk
    assert ANSWER not in str(entry.data)
    assert OutboxMessage.objects.get(topic="dsr.staff.customer_replied").destination == "privacy@bank.example"


def test_reply_is_offered_where_the_page_shows_its_form(as_user, logged_in, customer_a, privacy_officer):
    """One rule (`request_allowed_actions`) for the page's reply form, the API's `allowed_actions`
    and the endpoint: the customer is offered `reply` only while the bank waits; staff never."""
    waiting = awaiting_customer(subject_of(customer_a))
    working = make_request(subject_of(customer_a), type="complaint")
    api, page = as_user(customer_a), logged_in(customer_a)
    for request, offered in ((waiting, True), (working, False)):
        actions = api.get(f"/api/v1/requests/{request.pk}/").json()["allowed_actions"]
        assert ("reply" in actions) is offered
        shown = page.get(f"/me/requests/{request.pk}/").content.decode()
        assert ('data-testid="reply-form"' in shown) is offered
    staff_actions = as_user(privacy_officer).get(f"/api/v1/requests/{waiting.pk}/").json()["allowed_actions"]
    assert "resume" in staff_actions and "reply" not in staff_actions


def test_a_guardian_answers_for_their_ward(as_user, customer_a):
    parent = subject_of(customer_a)
    request = awaiting_customer(child_of(parent, age=10), guardian=parent)
    answer = as_user(customer_a).post(reply_url(request), {"text": ANSWER}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "in_progress"


def test_a_request_not_waiting_for_the_customer_is_409(as_user, customer_a):
    request = make_request(subject_of(customer_a), type="complaint")
    refused = as_user(customer_a).post(reply_url(request), {"text": ANSWER}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_awaiting_customer"
    assert refused.json()["detail"] == "Ngân hàng không chờ câu trả lời nào cho yêu cầu này."
    assert DataSubjectRequest.objects.get().status == "received"


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "   "}, {"text": "x" * (MAX_REPLY_LENGTH + 1)}, {"text": ["a list"]}],
    ids=["missing", "empty", "blank", "too long", "not text"],
)
def test_a_missing_empty_or_overlong_answer_is_400_on_text(as_user, customer_a, body):
    request = awaiting_customer(subject_of(customer_a))
    refused = as_user(customer_a).post(reply_url(request), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert list(refused.json()) == ["text"] and refused.json()["text"][0]
    assert DataSubjectRequest.objects.get().status == "awaiting_customer"


def test_only_the_customer_of_the_request_may_answer(
    as_user, customer_a, customer_b, privacy_officer, client_user
):
    request = awaiting_customer(subject_of(customer_a))
    url = reply_url(request)
    assert as_user(customer_b).post(url, {"text": ANSWER}, format="json").status_code == 404
    # Staff resume the request themselves (`transition`); a system cannot answer for the customer.
    for user in (privacy_officer, client_user):
        refused = as_user(user).post(url, {"text": ANSWER}, format="json")
        assert refused.status_code == 403 and refused.json()["detail"]
    assert DataSubjectRequest.objects.get().status == "awaiting_customer"
    assert not AuditEntry.objects.filter(action="dsr.request.customer_replied").exists()


def test_a_retried_answer_with_its_idempotency_key_gets_the_first_answer(as_user, customer_a):
    """The app resends after a dropped connection: the answer is sent once, and the retry is told so."""
    request = awaiting_customer(subject_of(customer_a))
    api = as_user(customer_a)
    first = api.post(reply_url(request), {"text": ANSWER}, format="json", HTTP_IDEMPOTENCY_KEY="reply-1")
    again = api.post(reply_url(request), {"text": ANSWER}, format="json", HTTP_IDEMPOTENCY_KEY="reply-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert AuditEntry.objects.filter(action="dsr.request.customer_replied").count() == 1


def test_the_schema_documents_the_reply(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/requests/{id}/reply/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]
    assert "text" in schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]["required"]
    assert body["examples"]
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert "awaiting" in operation["description"]


def test_staff_read_the_answer_in_the_history_only_with_a_reason(as_user, customer_a, privacy_officer):
    """The customer's words are masked on the staff page until a need-to-know reason is given; the
    request's history in the API follows the same rule (the bank's own question stays readable)."""
    request = awaiting_customer(subject_of(customer_a))
    as_user(customer_a).post(reply_url(request), {"text": ANSWER}, format="json")
    staff = as_user(privacy_officer)
    url = f"/api/v1/requests/{request.pk}/"

    masked = staff.get(url).json()["history"]
    assert [h["note"] for h in masked[-2:]] == [BANKS_QUESTION, "***"]
    shown = staff.get(url, HTTP_X_ACCESS_REASON=f"request {request.reference}").json()["history"]
    assert [h["note"] for h in shown[-2:]] == [BANKS_QUESTION, ANSWER]
