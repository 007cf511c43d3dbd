"""The API has no language prefix in its paths, so it answers in the language the caller asks for
(`Accept-Language`), and in Vietnamese, the bank's language, when the caller names neither."""
from __future__ import annotations

import pytest
from django.utils import translation

from tests.consents.factories import make_purpose

pytestmark = pytest.mark.django_db

UNKNOWN_CIF = "No customer with this customer number (CIF)."


def _check_unknown_customer(api, **headers):
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    response = api.get("/api/v1/consent-check/", {"subject": "nobody", "purpose": "kyc"}, **headers)
    assert response.status_code == 404
    return response


def test_an_english_caller_reads_english(as_user, client_user):
    response = _check_unknown_customer(as_user(client_user), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.json()["detail"] == UNKNOWN_CIF
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("headers", [{"HTTP_ACCEPT_LANGUAGE": "vi"}, {}], ids=["vi", "no header"])
def test_a_vietnamese_caller_and_one_that_names_no_language_read_vietnamese(as_user, client_user, headers):
    response = _check_unknown_customer(as_user(client_user), **headers)

    with translation.override("vi"):
        vietnamese = translation.gettext(UNKNOWN_CIF)
    assert vietnamese != UNKNOWN_CIF
    assert response.json()["detail"] == vietnamese
    assert response["Content-Language"] == "vi"


def test_pages_still_take_their_language_from_the_path(client):
    assert client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "vi"
    assert client.get("/en/privacy/", HTTP_ACCEPT_LANGUAGE="vi")["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("scopes", "vietnamese", "english"),
    [
        (
            ["requests:read"],
            "Token API này không có phạm vi “requests:write”.",
            "This API token lacks the “requests:write” scope.",
        ),
        (None, "Vai trò của bạn không được phép làm việc này.", "Your role does not allow this."),
    ],
    ids=["token scope", "role"],
)
def test_a_refusal_is_said_in_the_callers_language(as_user, officer, auditor, scopes, vietnamese, english):
    """A 403 explains itself like every other answer: in Vietnamese unless the caller asks for English."""
    caller = as_user(officer, scopes=scopes) if scopes else as_user(auditor)
    refused = caller.post("/api/v1/requests/", {}, format="json")
    assert (refused.status_code, refused.json()) == (403, {"detail": vietnamese, "code": "permission_denied"})
    asked_in_english = caller.post("/api/v1/requests/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert asked_in_english.json() == {"detail": english, "code": "permission_denied"}


@pytest.mark.parametrize(
    ("path", "vietnamese"),
    [
        ("/api/v1/breaches/{missing}/", "Không có vi phạm với mã này."),
        ("/api/v1/dossiers/{missing}/", "Không có hồ sơ với mã này."),
    ],
)
def test_a_missing_record_is_said_in_vietnamese(as_user, dpo, path, vietnamese):
    answer = as_user(dpo).get(path.format(missing="00000000-0000-4000-8000-000000000000"))
    assert (answer.status_code, answer.json()["detail"]) == (404, vietnamese)


def test_an_overlong_idempotency_key_is_refused_in_vietnamese(as_user, officer):
    answer = as_user(officer).post("/api/v1/consents/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert (answer.status_code, answer.json()["detail"]) == (
        400, "Tiêu đề Idempotency-Key dài quá 255 ký tự."
    )
