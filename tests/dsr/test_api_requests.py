"""The `/api/v1/requests/` contract: intake, filters, actions, idempotency and customers' isolation."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from dsr.models import DataSubjectRequest
from integrations.models import OutboxMessage
from tests.dsr.factories import by_document, make_inventory, make_request
from tests.factories import make_webhook

pytestmark = pytest.mark.django_db


def subject_of(user):
    return user.customer_account.subject


def test_staff_intake_returns_both_clocks(as_user, officer, subject):
    response = as_user(officer).post(
        "/api/v1/requests/",
        {
            "subject": subject.external_ref,
            "type": "access",
            "details": "Xin sao kê dữ liệu",
            "channel": "branch",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received"
    for field in ("id", "received_at", "due_at", "acknowledge_by", "statutory_due_at"):
        assert body[field], field


def test_bad_input_is_a_clear_400(as_user, officer, subject):
    client = as_user(officer)
    assert (
        client.post(
            "/api/v1/requests/", {"subject": subject.external_ref, "type": "teleport"}, format="json"
        ).status_code
        == 400
    )
    response = client.post("/api/v1/requests/", {"subject": "CIF-NOPE", "type": "access"}, format="json")
    assert response.status_code == 400
    assert "subject" in response.json()
    response = client.post(
        "/api/v1/requests/",
        {"subject": subject.external_ref, "type": "access", "corrections": {"phone": "0900000000"}},
        format="json",
    )
    assert response.status_code == 400
    assert not DataSubjectRequest.objects.exists()


def test_idempotency_key_replays_the_first_answer(as_user, officer, subject):
    client = as_user(officer)
    payload = {"subject": subject.external_ref, "type": "delete", "channel": "call_centre"}
    first = client.post("/api/v1/requests/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post("/api/v1/requests/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert DataSubjectRequest.objects.count() == 1


def test_filters_status_type_subject_and_overdue(as_user, privacy_officer, subject):
    other = make_request(subject, type="complaint", now=timezone.now())
    late = make_request(subject, type="access", now=timezone.now() - timedelta(days=5))
    client = as_user(privacy_officer)
    ids = lambda response: [r["id"] for r in response.json()["results"]]  # noqa: E731
    assert ids(client.get("/api/v1/requests/?overdue=true")) == [str(late.pk)]
    assert ids(client.get("/api/v1/requests/?type=complaint")) == [str(other.pk)]
    assert len(ids(client.get(f"/api/v1/requests/?subject={subject.external_ref}&status=received"))) == 2
    assert client.get("/api/v1/requests/?status=bogus").status_code == 400
    row = client.get("/api/v1/requests/?overdue=true").json()["results"][0]
    assert row["overdue"] is True


def test_detail_has_history_and_actions_follow_the_machine(as_user, privacy_officer, subject):
    request = make_request(subject, type="complaint", now=timezone.now())
    client = as_user(privacy_officer)
    base = f"/api/v1/requests/{request.pk}/"
    # Answering before identity is verified is refused.
    assert client.post(base + "complete/", {"note": "x"}, format="json").status_code == 409
    response = client.post(base + "verify-identity/", by_document(subject), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    assert client.post(base + "reject/", {}, format="json").status_code == 400
    response = client.post(base + "complete/", {"note": "Chúng tôi đã khắc phục."}, format="json")
    assert response.status_code == 200
    detail = client.get(base).json()
    assert [h["new_status"] for h in detail["history"]] == [
        "received",
        "verifying_identity",
        "in_progress",
        "completed",
    ]
    assert [e["kind"] for e in detail["clock_events"]][0] == "started"
    # Closed: any further move is a 409.
    assert client.post(base + "reject/", {"reason": "manifestly_unfounded"}, format="json").status_code == 409


def test_partial_completion_needs_a_reason(as_user, privacy_officer, subject):
    request = make_request(subject, type="complaint")
    client = as_user(privacy_officer)
    base = f"/api/v1/requests/{request.pk}/"
    client.post(base + "verify-identity/", by_document(subject), format="json")
    response = client.post(base + "complete/", {"partial": True, "note": "Một phần"}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_assign_and_pause_through_the_api(as_user, privacy_officer, subject):
    request = make_request(subject)
    client = as_user(privacy_officer)
    base = f"/api/v1/requests/{request.pk}/"
    assert (
        client.post(base + "assign/", {"assignee": privacy_officer.pk}, format="json").json()["assignee"]
        == privacy_officer.username
    )
    client.post(base + "acknowledge/", format="json")
    response = client.post(
        base + "transition/", {"status": "awaiting_customer", "note": "Cần CCCD"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["paused_at"]


def test_customer_creates_and_sees_only_their_own(as_user, customer_a, customer_b):
    client_a, client_b = as_user(customer_a), as_user(customer_b)
    assert (
        client_a.post("/api/v1/requests/", {"type": "access", "channel": "branch"}, format="json").status_code
        == 400
    )
    created = client_a.post("/api/v1/requests/", {"type": "access", "channel": "mobile_app"}, format="json")
    assert created.status_code == 201
    request_id = created.json()["id"]
    assert DataSubjectRequest.objects.get(pk=request_id).subject == subject_of(customer_a)
    # Customer B cannot reach it by id, by filter, or act on it.
    assert client_b.get(f"/api/v1/requests/{request_id}/").status_code == 404
    listing = client_b.get(f"/api/v1/requests/?subject={subject_of(customer_a).external_ref}")
    assert listing.json()["results"] == []
    assert client_b.post(f"/api/v1/requests/{request_id}/cancel/").status_code == 404
    assert client_b.get(f"/api/v1/requests/{request_id}/export/").status_code == 404
    # Nor make a request in someone else's name.
    response = client_b.post(
        "/api/v1/requests/", {"type": "delete", "subject": subject_of(customer_a).external_ref}, format="json"
    )
    assert response.status_code == 404
    # And staff actions stay staff-only.
    assert (
        client_a.post(
            f"/api/v1/requests/{request_id}/verify-identity/",
            {"method": "ekyc", "reference": "x"},
            format="json",
        ).status_code
        == 403
    )
    assert client_a.get(f"/api/v1/requests/{request_id}/").status_code == 200
    assert client_a.post(f"/api/v1/requests/{request_id}/cancel/").json()["status"] == "cancelled"


def test_unknown_request_is_404(as_user, privacy_officer):
    assert as_user(privacy_officer).get(f"/api/v1/requests/{uuid.uuid4()}/").status_code == 404


def test_integration_client_lists_and_completes_its_own_tasks(as_user, client_user, privacy_officer, subject):
    make_inventory(corebank_client=client_user)
    request = make_request(subject, type="copy")
    as_user(privacy_officer).post(
        f"/api/v1/requests/{request.pk}/verify-identity/", by_document(subject), format="json"
    )
    client = as_user(client_user, scopes=["requests:tasks"])
    tasks = client.get("/api/v1/request-tasks/").json()["results"]
    assert [t["system"] for t in tasks] == ["core_banking"]
    assert tasks[0]["subject"] == subject.external_ref
    response = client.post(
        f"/api/v1/request-tasks/{tasks[0]['id']}/complete/", {"result": {"accounts": 2}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    marketing = request.tasks.get(system__code="marketing")
    assert (
        client.post(
            f"/api/v1/request-tasks/{marketing.pk}/complete/", {"result": {}}, format="json"
        ).status_code
        == 403
    )
    wrong_scope = as_user(client_user, scopes=["consents:write"])
    assert wrong_scope.get("/api/v1/request-tasks/").status_code == 403


def test_the_open_tasks_narrow_by_request_and_by_system(as_user, privacy_officer, subject):
    """The list now refuses parameters it does not know; the two a system asks by are filters."""
    make_inventory()
    staff = as_user(privacy_officer)
    first, second = make_request(subject, type="copy"), make_request(subject, type="access")
    for request in (first, second):
        staff.post(f"/api/v1/requests/{request.pk}/verify-identity/", by_document(subject), format="json")

    of_first = staff.get("/api/v1/request-tasks/", {"request": str(first.pk)}).json()["results"]
    assert of_first and {t["request"] for t in of_first} == {str(first.pk)}
    of_marketing = staff.get("/api/v1/request-tasks/", {"system": "marketing"}).json()["results"]
    assert of_marketing and {t["system"] for t in of_marketing} == {"marketing"}
    refused = staff.get("/api/v1/request-tasks/", {"request": "not-a-uuid"})
    assert refused.status_code == 400 and "request" in refused.json()


def test_auditor_reads_but_cannot_act(as_user, auditor, subject):
    request = make_request(subject)
    client = as_user(auditor)
    assert client.get("/api/v1/requests/").status_code == 200
    assert client.post(f"/api/v1/requests/{request.pk}/acknowledge/").status_code == 403
    assert (
        client.post(
            "/api/v1/requests/", {"subject": subject.external_ref, "type": "access"}, format="json"
        ).status_code
        == 403
    )


def test_schema_documents_the_request_endpoints(api):
    schema = api.get("/api/schema/").content.decode()
    assert "/api/v1/requests/{id}/verify-identity/" in schema


def test_lift_restriction_through_the_api(as_user, privacy_officer, subject):
    from tests.consents.factories import grant, make_purpose

    grant(subject, make_purpose("offers-y", category="marketing"))
    request = make_request(subject, type="object", purposes=["offers-y"], now=timezone.now())
    client = as_user(privacy_officer)
    base = f"/api/v1/requests/{request.pk}/"
    client.post(base + "verify-identity/", by_document(subject), format="json")
    assert client.post(base + "complete/", {}, format="json").status_code == 200
    check = client.get(f"/api/v1/consent-check/?subject={subject.external_ref}&purpose=offers-y").json()
    assert check["allowed"] is False
    assert (
        client.post(base + "lift-restriction/", {"reason": "customer_asked"}, format="json").status_code
        == 200
    )
    assert (
        client.post(base + "lift-restriction/", {"reason": "customer_asked"}, format="json").status_code
        == 409
    )


def test_the_submitting_client_hears_of_each_move_by_webhook(
    as_user, client_user, privacy_officer, subject, django_capture_on_commit_callbacks
):
    make_webhook(client_user, events=["dsr.request.status_changed"])
    created = as_user(client_user).post(
        "/api/v1/requests/", {"subject": subject.external_ref, "type": "access"}, format="json"
    )
    assert created.status_code == 201
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        as_user(privacy_officer).post(f"/api/v1/requests/{created.json()['id']}/acknowledge/")
    moves = [
        json.loads(m.payload)
        for m in OutboxMessage.objects.filter(topic="dsr.request.status_changed").order_by("created_at")
    ]
    assert [(m["from"], m["to"]) for m in moves] == [("", "received"), ("received", "verifying_identity")]
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_an_absurd_assignee_filter_is_400_not_500(as_user, privacy_officer):
    response = as_user(privacy_officer).get("/api/v1/requests/", {"assignee": "14994472662758670336"})
    assert response.status_code == 400
    assert response.json()["assignee"]


@pytest.mark.django_db
def test_the_request_list_filterset_refuses_bad_values_naming_them(as_user, privacy_officer):
    api = as_user(privacy_officer)
    for params, field in (
        ({"status": "lost"}, "status"),
        ({"assignee": "abc"}, "assignee"),
        ({"assignee": "-1"}, "assignee"),
        ({"status": "lost", "assignee": "abc"}, "status"),
        ({"overdue": "maybe"}, "overdue"),
        ({"due_soon": "soon"}, "due_soon"),
        ({"overdue": "true", "due_soon": "2"}, "due_soon"),
    ):
        answer = api.get("/api/v1/requests/", params)
        assert answer.status_code == 400, params
        assert list(answer.json()) == [field], params
    # A good assignee is a staff member's id (one nobody has is refused: test_api_requests_list_filters).
    good = {"assignee": str(privacy_officer.pk), "status": "received", "type": "access"}
    assert api.get("/api/v1/requests/", good).status_code == 200


@pytest.mark.django_db
def test_the_deadline_flags_take_yes_or_no_in_any_case(as_user, privacy_officer):
    api = as_user(privacy_officer)
    for word in ("true", "TRUE", "1", "yes", "false", "0", "no", ""):
        assert api.get("/api/v1/requests/", {"overdue": word, "due_soon": word}).status_code == 200, word


def test_overdue_and_due_soon_together_list_either(as_user, privacy_officer, subject):
    now = timezone.now()
    late = make_request(subject, type="access", now=now - timedelta(days=5))
    soon = make_request(subject, type="access", now=now)
    calm = make_request(subject, type="access", now=now)
    for request, due in ((soon, timedelta(hours=2)), (calm, timedelta(days=9))):
        DataSubjectRequest.objects.filter(pk=request.pk).update(due_at=now + due, statutory_due_at=None)
    client = as_user(privacy_officer)
    ids = lambda params: {r["id"] for r in client.get("/api/v1/requests/", params).json()["results"]}  # noqa: E731
    assert ids({"overdue": "true"}) == {str(late.pk)}
    assert ids({"due_soon": "yes"}) == {str(soon.pk)}
    assert ids({"overdue": "1", "due_soon": "true"}) == {str(late.pk), str(soon.pk)}
    assert ids({"overdue": "false"}) == {str(late.pk), str(soon.pk), str(calm.pk)}


def test_detail_lists_the_actions_the_staff_page_offers(as_user, privacy_officer, customer_a, subject):
    """The API shows the same `request_allowed_actions` as the staff page: what would succeed now,
    and nothing once the request is closed; a customer is offered no staff action."""
    request = make_request(subject, type="complaint", now=timezone.now())
    client = as_user(privacy_officer)
    base = f"/api/v1/requests/{request.pk}/"

    assert set(client.get(base).json()["allowed_actions"]) >= {"acknowledge", "verify", "reject"}
    assert "complete" not in client.get(base).json()["allowed_actions"]
    client.post(base + "verify-identity/", by_document(subject), format="json")
    answer = client.post(base + "complete/", {"note": "Đã xong."}, format="json").json()
    assert answer["allowed_actions"] == []

    own = make_request(subject_of(customer_a), type="complaint")
    customer_api = as_user(customer_a, scopes=["requests:read"])
    assert customer_api.get(f"/api/v1/requests/{own.pk}/").json()["allowed_actions"] == []


def test_a_token_that_may_only_read_requests_is_offered_no_action(as_user, privacy_officer, subject):
    """The actions' endpoints ask for the `requests:work` scope: a read-only token of the same officer
    is offered none of them, as it would be refused each."""
    request = make_request(subject, type="complaint")
    reader = as_user(privacy_officer, scopes=["requests:read"])
    assert reader.get(f"/api/v1/requests/{request.pk}/").json()["allowed_actions"] == []
    assert reader.post(f"/api/v1/requests/{request.pk}/acknowledge/").status_code == 403
