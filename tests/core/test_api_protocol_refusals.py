"""Error answers an integrating system acts on: the status says what went wrong (a method the endpoint
does not have is a 405, not a role refusal)."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_method_the_endpoint_does_not_have_is_405_not_a_role_refusal(as_user, client_user, dpo, method):
    consent = grant(make_subject(), make_purpose("m405", category="marketing"))
    for caller in (as_user(client_user), as_user(dpo)):
        answer = getattr(caller, method)(f"/api/v1/consents/{consent.pk}/", {}, format="json")
        assert answer.status_code == 405, (answer.status_code, answer.json())
        assert "GET" in answer["Allow"]
        assert answer.json()["detail"]


def test_a_method_the_endpoint_has_is_still_refused_to_a_role_without_it(as_user, auditor, customer_a):
    # The 405 is only for what no role could do: a method the endpoint has stays a 403 for a role that
    # may not use it, and an anonymous caller is still asked to authenticate first.
    assert as_user(auditor).post("/api/v1/requests/", {}, format="json").status_code == 403
    assert as_user(customer_a).post("/api/v1/purposes/", {}, format="json").status_code == 403
    assert APIClient().put("/api/v1/purposes/", {}, format="json").status_code == 401

