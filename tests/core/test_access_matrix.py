"""Who reaches what: every foundation endpoint and page against every role.

Issue 6 extends this matrix to the consents and requests endpoints.
"""
import pytest
from rest_framework.test import APIClient

from core.roles import Role
from tests.factories import UserFactory, make_customer, make_subject, make_token

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "customer", "officer", "privacy", "dpo", "auditor", "client", "client_read_only"]

# (method, path, roles allowed). {own} is the customer's own subject, {other} someone else's.
API_MATRIX = [
    ("get", "/api/v1/subjects/", {"customer", "officer", "privacy", "dpo", "client", "client_read_only"}),
    ("post", "/api/v1/subjects/", {"officer", "privacy", "dpo", "client"}),
    ("get", "/api/v1/subjects/{other}/", {"officer", "privacy", "dpo", "client", "client_read_only"}),
    (
        "get",
        "/api/v1/subjects/{own}/",
        {"customer", "officer", "privacy", "dpo", "client", "client_read_only"},
    ),
    ("patch", "/api/v1/subjects/{other}/", {"officer", "privacy", "dpo"}),
    ("get", "/api/v1/audit/", {"dpo", "auditor"}),
    ("get", "/api/v1/audit/verify/", {"dpo", "auditor"}),
]

PAGE_MATRIX = [
    ("/portal/", {"officer", "privacy", "dpo", "auditor"}),
    ("/portal/customers/", {"officer", "privacy", "dpo"}),
    ("/portal/customers/{other}/", {"officer", "privacy", "dpo"}),
    ("/portal/customers/new/", {"officer", "privacy", "dpo"}),
    ("/portal/audit/", {"dpo", "auditor"}),
    ("/me/", {"customer"}),
]


@pytest.fixture
def world():
    customer = make_customer()
    return {
        "own": customer.customer_account.subject.pk,
        "other": make_subject().pk,
        "users": {
            "customer": customer,
            "officer": UserFactory(role=Role.OFFICER),
            "privacy": UserFactory(role=Role.PRIVACY),
            "dpo": UserFactory(role=Role.DPO),
            "auditor": UserFactory(role=Role.AUDITOR),
            "client": UserFactory(role=Role.CLIENT),
            "client_read_only": UserFactory(role=Role.CLIENT),
        },
    }


def api_client(world, role):
    client = APIClient()
    if role == "anonymous":
        return client
    scopes = ["subjects:read"] if role == "client_read_only" else None
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(world['users'][role], scopes)}")
    return client


def payload(method):
    if method == "post":
        return {"external_ref": "CIFMATRIX1", "full_name": "Ma Trận"}
    if method == "patch":
        return {"address": "1 Phố Huế, Hà Nội"}
    return None


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "allowed"), API_MATRIX, ids=[f"{m} {p}" for m, p, _ in API_MATRIX]
)
def test_api_access(world, role, method, path, allowed):
    url = path.format(own=world["own"], other=world["other"])
    response = getattr(api_client(world, role), method)(url, payload(method), format="json")

    if role in allowed:
        assert response.status_code in (200, 201), response.content
    elif role == "anonymous":
        assert response.status_code == 401
    else:
        # A customer asking for someone else's subject gets 404: the row is not theirs to know of.
        assert response.status_code in (403, 404), response.content
        assert "detail" in response.json()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "allowed"), PAGE_MATRIX, ids=[p for p, _ in PAGE_MATRIX])
def test_page_access(client, world, role, path, allowed):
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.get(path.format(own=world["own"], other=world["other"]))

    if role in allowed:
        assert response.status_code == 200
    elif role in ("anonymous", "client", "client_read_only"):  # an integration account's session is void
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403


def test_customer_filters_cannot_reach_other_subjects(world):
    other_ref = make_subject(national_id="079000000777").external_ref
    client = api_client(world, "customer")

    assert client.get(f"/api/v1/subjects/?external_ref={other_ref}").json()["results"] == []
    assert client.get("/api/v1/subjects/?national_id=079000000777").status_code == 400
    assert client.post("/api/v1/subjects/search/", {"national_id": "079000000777"},
                       format="json").status_code == 403
