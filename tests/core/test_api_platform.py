"""Platform endpoints: health, schema and docs, tokens, idempotency keys, error shapes."""
import re
import time
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from core.actors import Actor
from integrations import principals
from integrations.models import ApiToken, IdempotencyRecord
from integrations.services import token_revoke
from subjects.models import DataSubject
from tests.concurrency import run_together
from tests.factories import make_token

SUBJECT = {"external_ref": "CIFIDEM001", "full_name": "Lý Thường Kiệt", "phone": "0912000222"}


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


@pytest.mark.django_db
def test_schema_is_openapi_3_and_names_the_contract_paths(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/subjects/", "/api/v1/subjects/{id}/", "/api/v1/audit/", "/api/v1/audit/verify/"):
        assert path in schema["paths"]
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_revoked_or_unknown_tokens_are_401(officer, django_capture_on_commit_callbacks):
    key = make_token(officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/subjects/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        token = token_revoke(actor=Actor.system("test"), token=ApiToken.objects.get())
    assert client.get("/api/v1/subjects/").status_code == 401
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="core.token.revoked").count() == 1
    token_revoke(actor=Actor.system("test"), token=token)  # twice: nothing more
    assert AuditEntry.objects.filter(action="core.token.revoked").count() == 1

    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/subjects/")
    assert response.status_code == 401
    assert response.json()["detail"]


def _later(monkeypatch, seconds: float) -> None:
    """Move the token cache's clock on, as if `seconds` had passed in this worker."""
    clock = time.monotonic
    monkeypatch.setattr(principals, "time", SimpleNamespace(monotonic=lambda: clock() + seconds))


@pytest.mark.django_db
def test_a_token_revoked_by_another_process_stops_within_the_cache_time(officer, settings, monkeypatch):
    settings.API_TOKEN_CACHE_SECONDS = 2.0
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(officer)}")
    assert client.get("/api/v1/subjects/").status_code == 200

    ApiToken.objects.update(revoked_at=timezone.now())  # as the revoke_token command in its own process
    assert client.get("/api/v1/subjects/").status_code == 200  # this worker still holds it
    _later(monkeypatch, 2.1)
    assert client.get("/api/v1/subjects/").status_code == 401


@pytest.mark.django_db
def test_with_the_token_cache_off_a_revocation_anywhere_is_refused_at_once(officer, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(officer)}")
    assert client.get("/api/v1/subjects/").status_code == 200

    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/subjects/").status_code == 401


@pytest.mark.django_db
def test_token_scope_limits_a_client(as_user, client_user):
    read_only = as_user(client_user, scopes=["subjects:read"])
    response = read_only.post("/api/v1/subjects/", SUBJECT, format="json")
    assert response.status_code == 403
    assert "subjects:write" in response.json()["detail"]


@pytest.mark.django_db
def test_only_the_key_hash_is_stored(officer):
    key = make_token(officer)
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix)
    assert token.key_hash != key


@pytest.mark.django_db
def test_idempotency_key_replays_the_first_answer_and_writes_once(as_user, officer):
    client = as_user(officer)
    first = client.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert DataSubject.objects.count() == 1


@pytest.mark.django_db
def test_reusing_a_key_for_a_different_body_is_409(as_user, officer):
    client = as_user(officer)
    client.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="abc-2")
    response = client.post("/api/v1/subjects/", {**SUBJECT, "full_name": "Khác"}, format="json",
                           HTTP_IDEMPOTENCY_KEY="abc-2")
    assert response.status_code == 409


@pytest.mark.django_db
def test_a_refused_first_attempt_keeps_its_key_and_a_corrected_request_takes_a_new_one(as_user, officer):
    """The refusal is the key's answer (tests/integrations/test_idempotency_refusals.py): the same body
    gets it again, a corrected body under that key is the mismatch, under a new key it is created."""
    client = as_user(officer)
    bad = client.post(
        "/api/v1/subjects/", {**SUBJECT, "phone": "1"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-3"
    )
    assert bad.status_code == 400
    assert IdempotencyRecord.objects.get().response_status == 400
    again = client.post(
        "/api/v1/subjects/", {**SUBJECT, "phone": "1"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-3"
    )
    assert again.status_code == 400 and again.json() == bad.json()
    corrected = client.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="abc-3")
    assert corrected.status_code == 409 and corrected.json()["code"] == "idempotency_mismatch"
    assert not DataSubject.objects.exists()
    good = client.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="abc-4")
    assert good.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_write_once(officer):
    key = make_token(officer)

    def post() -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = client.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="same-key")
        return response.status_code

    statuses = run_together([post] * 6)

    assert DataSubject.objects.filter(external_ref=SUBJECT["external_ref"]).count() == 1
    assert set(statuses) <= {201, 409}
    assert 201 in statuses


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", ["not json", "[1, 2]", '{"external_ref": ["x"]}', '{"date_of_birth": "31/12/1990"}']
)
def test_malformed_bodies_are_400_not_500(as_user, officer, body):
    response = as_user(officer).post("/api/v1/subjects/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()


@pytest.mark.django_db
def test_a_deactivated_client_is_refused_within_the_cache_time(as_user, client_user, monkeypatch):
    client = as_user(client_user)
    assert client.get("/api/v1/subjects/").status_code == 200

    client_user.is_active = False
    client_user.save(update_fields=["is_active"])
    _later(monkeypatch, 2.1)
    assert client.get("/api/v1/subjects/").status_code == 401


@pytest.mark.django_db
def test_concurrent_requests_get_their_own_copy_of_the_cached_user(officer):
    from integrations.principals import api_user

    key_hash = make_token(officer) and ApiToken.objects.get().key_hash
    first, second = (
        api_user(key_hash=key_hash, user_id=officer.pk),
        api_user(key_hash=key_hash, user_id=officer.pk),
    )
    assert first is not second
    assert first.pk == second.pk == officer.pk
    assert first.has_perm("subjects.view_datasubject")



@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent", "echoed"), [("core-banking.42_a", True), ("bad id with spaces", False), ("", False)]
)
def test_the_request_id_is_echoed_when_safe_and_made_up_otherwise(client, sent, echoed):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)

    if echoed:
        assert response["X-Request-ID"] == sent
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
