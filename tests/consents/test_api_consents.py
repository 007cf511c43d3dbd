"""The consents API as the contract names it: purposes, consents, withdraw, consent-check, duties."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Consent, WithdrawalDuty
from integrations.models import OutboxMessage
from tests.consents.factories import IMPORTED_ON, child_of, grant, make_purpose, make_recipient
from tests.factories import make_subject, make_webhook

pytestmark = pytest.mark.django_db


def _body(subject, purpose="marketing", **extra):
    return {
        "subject": subject.external_ref,
        "purpose": purpose,
        "notice_version": "v1",
        "channel": "branch",
        "evidence": "form-2026-001",
        **extra,
    }


def test_post_consent_then_check_then_withdraw_then_check(
    as_user, client_user, django_capture_on_commit_callbacks
):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(client_user, scopes=["consents:read", "consents:write"])

    response = api.post("/api/v1/consents/", _body(subject), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "granted" and body["granted_at"] and body["id"]

    check = api.get(
        "/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": "marketing"}
    ).json()
    assert check["allowed"] is True and check["reason"] == "granted" and check["consent"] == body["id"]
    assert set(check) == {"allowed", "reason", "consent", "checked_at"}

    withdrawn = api.post(
        f"/api/v1/consents/{body['id']}/withdraw/", {"channel": "api", "reason": "app toggle"}, format="json"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn" and withdrawn.json()["withdrawn_at"]
    check = api.get(
        "/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": "marketing"}
    ).json()
    assert (check["allowed"], check["reason"]) == (False, "withdrawn")

    listed = api.get("/api/v1/consents/", {"subject": subject.external_ref, "status": "withdrawn"}).json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]


def test_a_consent_past_its_expiry_is_granted_again_by_api_before_the_sweep(as_user, officer):
    marketing, subject, now = make_purpose("marketing", category="marketing"), make_subject(), timezone.now()
    old = grant(subject, marketing, now=now - timedelta(days=2), expires_at=now - timedelta(minutes=1))

    response = as_user(officer).post("/api/v1/consents/", _body(subject), format="json")

    assert response.status_code == 201, response.json()
    old.refresh_from_db()
    assert old.status == "expired" and response.json()["id"] != str(old.pk)


def test_idempotency_key_replays_grant_and_withdrawal(as_user, officer):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(officer)
    first = api.post("/api/v1/consents/", _body(subject), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/consents/", _body(subject), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Consent.objects.count() == 1
    url = f"/api/v1/consents/{first.json()['id']}/withdraw/"
    one = api.post(url, {"channel": "branch"}, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    two = api.post(url, {"channel": "branch"}, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    assert one.status_code == two.status_code == 200
    assert AuditEntry.objects.filter(action="consents.consent.withdrawn").count() == 1


@pytest.mark.parametrize(
    "payload,status,key",
    [
        ({"purpose": "kyc"}, 409, "detail"),
        ({"purpose": "biometric"}, 400, "sensitive_acknowledged"),
        ({"notice_version": "v0"}, 409, "detail"),
        ({"channel": "carrier-pigeon"}, 400, "channel"),
        ({"purpose": "nope"}, 400, "purpose"),
        ({"subject": "CIF-UNKNOWN"}, 400, "subject"),
        ({"notice_version": ""}, 400, "notice_version"),
    ],
)
def test_refusals_are_clear_4xx_and_write_nothing(as_user, officer, payload, status, key):
    make_purpose("marketing", category="marketing")
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    make_purpose("biometric", category="security", sensitive=True)
    subject = make_subject()
    body = _body(subject)
    body.update(payload)
    response = as_user(officer).post("/api/v1/consents/", body, format="json")
    assert response.status_code == status, response.json()
    assert key in response.json()
    assert not Consent.objects.exists()


def test_child_consent_through_api_needs_guardian_ref(as_user, officer):
    make_purpose("group-sharing", category="sharing")
    parent = make_subject()
    child = child_of(parent, age=9)
    api = as_user(officer)
    refused = api.post("/api/v1/consents/", _body(child, "group-sharing"), format="json")
    assert refused.status_code == 400 and "guardian" in refused.json()
    guardian_alone = api.post(
        "/api/v1/consents/", _body(child, "group-sharing", guardian=parent.external_ref), format="json"
    )
    assert guardian_alone.status_code == 400 and "child_agreed" in guardian_alone.json()
    ok = api.post(
        "/api/v1/consents/",
        _body(
            child,
            "group-sharing",
            guardian=parent.external_ref,
            child_agreed=True,
            child_evidence="form-9 signed by the child",
        ),
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["guardian"] == parent.external_ref
    assert (ok.json()["child_agreed"], ok.json()["child_evidence"]) == (True, "form-9 signed by the child")


def test_check_errors_and_legal_basis(as_user, client_user):
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    subject = make_subject()
    api = as_user(client_user)
    assert api.get("/api/v1/consent-check/", {"subject": subject.external_ref}).status_code == 400
    assert api.get("/api/v1/consent-check/", {"subject": "nobody", "purpose": "kyc"}).status_code == 404
    assert (
        api.get("/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": "x"}).status_code
        == 404
    )
    check = api.get("/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": "kyc"}).json()
    assert (check["allowed"], check["reason"], check["consent"]) == (True, "legal_basis", None)


def test_bulk_check_for_a_campaign(as_user, client_user):
    purpose = make_purpose("marketing", category="marketing")
    yes, no, gone = make_subject(), make_subject(), make_subject()
    grant(yes, purpose)
    from consents import services
    from tests.consents.factories import STAFF

    services.consent_withdraw(actor=STAFF, consent_id=grant(gone, purpose).pk, channel="branch")
    response = as_user(client_user).post(
        "/api/v1/consent-check/bulk/",
        {
            "purpose": "marketing",
            "subjects": [yes.external_ref, no.external_ref, gone.external_ref, "CIF-NONE"],
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["allowed"] == [yes.external_ref]
    assert body["not_allowed"] == [
        {"subject": no.external_ref, "reason": "no_consent"},
        {"subject": gone.external_ref, "reason": "withdrawn"},
    ]
    assert body["unknown"] == ["CIF-NONE"]
    too_many = as_user(client_user).post(
        "/api/v1/consent-check/bulk/", {"purpose": "marketing", "subjects": ["x"] * 10_001}, format="json"
    )
    assert too_many.status_code == 400


def test_receipt_is_iso_27560_shaped(as_user, officer):
    consent = grant(purpose=make_purpose("marketing", category="marketing"))
    receipt = as_user(officer).get(f"/api/v1/consents/{consent.pk}/receipt/").json()
    assert receipt["record_id"] == str(consent.pk)
    assert receipt["data_subject"]["identifier"] == consent.subject.external_ref
    assert receipt["purpose"]["legal_basis"] == "consent" and receipt["notice"]["version"] == "v1"
    assert [e["type"] for e in receipt["events"]] == ["granted"]


def test_customer_sees_and_withdraws_only_own_consents(as_user, customer_a, customer_b):
    purpose = make_purpose("marketing", category="marketing")
    mine = grant(customer_a.customer_account.subject, purpose)
    theirs = grant(customer_b.customer_account.subject, purpose)
    api = as_user(customer_a)
    assert [c["id"] for c in api.get("/api/v1/consents/").json()["results"]] == [str(mine.pk)]
    assert api.get(f"/api/v1/consents/{theirs.pk}/").status_code == 404
    assert (
        api.post(
            f"/api/v1/consents/{theirs.pk}/withdraw/", {"channel": "mobile_app"}, format="json"
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/api/v1/consents/{mine.pk}/withdraw/", {"channel": "mobile_app"}, format="json"
        ).status_code
        == 200
    )
    assert api.post("/api/v1/consents/", {}, format="json").status_code == 403


def test_purposes_managed_by_dpo_only(as_user, dpo, officer):
    head_office = make_recipient("Head office Tokyo", kind="foreign_head_office")
    body = {
        "code": "cross-border",
        "name": "Chuyển dữ liệu ra nước ngoài",
        "description": "Gửi về trụ sở chính",
        "category": "cross_border",
        "legal_basis": "consent",
        "cross_border": True,
        "destination_country": "jp",
        "recipients": [head_office.pk],
        "notice_version": "2026-01",
    }
    assert as_user(officer).post("/api/v1/purposes/", body, format="json").status_code == 403
    created = as_user(dpo).post("/api/v1/purposes/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["notice_version"] == "2026-01" and created.json()["destination_country"] == "JP"
    listed = as_user(officer).get("/api/v1/purposes/").json()["results"]
    assert [p["code"] for p in listed] == ["cross-border"]
    no_country = as_user(dpo).post(
        "/api/v1/purposes/", {**body, "code": "x2", "destination_country": ""}, format="json"
    )
    assert no_country.status_code == 400
    wider = {"version": "2026-02", "text_vi": "Mở rộng", "text_en": "Wider", "material": True}
    at_once = as_user(dpo).post("/api/v1/purposes/cross-border/notices/", wider, format="json")
    assert at_once.status_code == 400 and "effective_at" in at_once.json()
    notice = as_user(dpo).post(
        "/api/v1/purposes/cross-border/notices/",
        {**wider, "effective_at": (timezone.now() + timedelta(days=31)).isoformat()},
        format="json",
    )
    assert notice.status_code == 201


def test_recipient_acknowledges_its_duty_by_api(as_user, client_user, officer):
    recipient = make_recipient("Công ty Bảo hiểm", client=client_user, url="https://insurer.example/hook")
    purpose = make_purpose("bancassurance", category="sharing", recipients=[recipient])
    consent = grant(purpose=purpose)
    as_user(officer).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "branch"}, format="json")
    duty = WithdrawalDuty.objects.get()
    assert OutboxMessage.objects.filter(pk=duty.notice_message_id).exists()
    api = as_user(client_user)
    listed = api.get("/api/v1/withdrawal-duties/", {"status": "open"}).json()["results"]
    assert [d["id"] for d in listed] == [str(duty.pk)] and listed[0]["due_at"]
    ack = api.post(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {"note": "stopped"}, format="json")
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    again = api.post(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {}, format="json")
    assert again.status_code == 409


def test_dpo_links_a_recipient_to_a_clients_webhook_endpoint(as_user, dpo, client_user):
    endpoint = make_webhook(client_user)
    response = as_user(dpo).post(
        "/api/v1/recipients/", {"name": "Đối tác", "kind": "partner", "endpoint": endpoint.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    from consents.models import Recipient

    recipient = Recipient.objects.get(name="Đối tác")
    assert recipient.endpoint_id == endpoint.pk and recipient.client_id == client_user.pk


def _one_row_and_one_refused(subject) -> str:
    """A legacy CSV: the customer's marketing consent on paper, then a line refused (line 3)."""
    return (
        "subject,purpose,notice_version,channel,evidence,granted_at\n"
        f"{subject.external_ref},marketing,v1,paper_form,scan-0001,{IMPORTED_ON}\n"
        "X,marketing,v1,x,,\n"
    )


def test_csv_import_by_api(as_user, dpo, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_purpose("marketing", category="marketing")
    subject = make_subject()
    csv_text = _one_row_and_one_refused(subject)

    def upload():
        return {"file": SimpleUploadedFile("legacy.csv", csv_text.encode(), content_type="text/csv")}

    assert as_user(officer).post("/api/v1/consent-imports/", upload(), format="multipart").status_code == 403
    # ?wait=true: the former in-request import, kept for small files and scripts.
    first = as_user(dpo).post("/api/v1/consent-imports/?wait=true", upload(), format="multipart")
    assert first.status_code == 201, first.json()
    assert (first.json()["imported"], first.json()["refused"], first.json()["errors"][0]["line"]) == (1, 1, 3)
    again = as_user(dpo).post("/api/v1/consent-imports/?wait=true", upload(), format="multipart").json()
    assert (again["imported"], again["already_imported"]) == (0, 1)
    assert as_user(dpo).post("/api/v1/consent-imports/", {}, format="multipart").status_code == 400
    assert len(as_user(dpo).get("/api/v1/consent-imports/").json()["results"]) == 2


def test_purpose_name_in_the_active_language_with_both_languages_given(as_user, officer):
    make_purpose("marketing", category="marketing", name_vi="Tiếp thị", name_en="Marketing offers")
    purpose = as_user(officer).get("/api/v1/purposes/").json()["results"][0]
    # The site's default language (Vietnamese) is active on the unprefixed API paths.
    assert (purpose["name"], purpose["name_vi"], purpose["name_en"]) == (
        "Tiếp thị",
        "Tiếp thị",
        "Marketing offers",
    )
    assert purpose["notice_version"] == "v1"


def test_receipt_after_withdrawal_lists_both_events_and_the_check_is_restricted_by_api(
    as_user, officer, client_user
):
    from consents import services
    from tests.consents.factories import SYSTEM

    consent = grant(purpose=make_purpose("analytics", category="analytics"))
    api = as_user(officer)
    api.post(
        f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "call_centre", "reason": "x"}, format="json"
    )
    receipt = api.get(f"/api/v1/consents/{consent.pk}/receipt/").json()
    assert [e["type"] for e in receipt["events"]] == ["granted", "withdrawn"]
    assert receipt["state"] == "withdrawn" and receipt["withdrawal"]["possible"] is False

    again = grant(consent.subject, consent.purpose)
    services.restrictions_apply(
        actor=SYSTEM, subject=consent.subject, purposes=None, kind="restrict", source="dsr:9"
    )
    check = (
        as_user(client_user)
        .get("/api/v1/consent-check/", {"subject": consent.subject.external_ref, "purpose": "analytics"})
        .json()
    )
    assert (check["allowed"], check["reason"]) == (False, "restricted")
    assert again.status == "granted"


def test_csv_import_by_api_answers_202_with_a_job_to_poll(as_user, dpo, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consents.services import consent_import_run
    from core.roles import Role
    from tests.factories import UserFactory

    make_purpose("marketing", category="marketing")
    subject = make_subject()
    body = _one_row_and_one_refused(subject).encode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user(dpo).post(
            "/api/v1/consent-imports/", {"file": SimpleUploadedFile("legacy.csv", body, "text/csv")},
            format="multipart",
        )
    assert response.status_code == 202, response.json()
    assert response["Location"] == response.json()["job"] and "/api/v1/jobs/" in response["Location"]
    assert len(callbacks) == 1
    url = response["Location"].split("testserver")[-1]
    polled = as_user(dpo).get(url).json()
    assert (polled["status"], polled["rows_done"], polled["finished"]) == ("queued", 0, False)

    consent_import_run(job_id=response.json()["id"])

    polled = as_user(dpo).get(url).json()
    assert (polled["status"], polled["rows_total"], polled["rows_done"], polled["rows_refused"]) == (
        "done", 2, 2, 1,
    )
    assert (polled["percent"], polled["finished"]) == (100, True)
    # Another DPO does not see someone else's job; a finished job cannot be cancelled.
    other = UserFactory(username="dpo_other", role=Role.DPO)
    assert as_user(other).get(url).status_code == 404
    assert as_user(dpo).post(url + "cancel/").status_code == 409
    missing = as_user(dpo).post(
        "/api/v1/consent-imports/", {"file": SimpleUploadedFile("x.csv", b"cif\n1\n", "text/csv")},
        format="multipart",
    )
    assert missing.status_code == 400
