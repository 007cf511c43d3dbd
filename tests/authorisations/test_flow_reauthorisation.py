"""The customer approves the same third party again: the new authorisation replaces the live one, and the
code issued for the new approval is the one the third party exchanges. The replaced authorisation's end
stops its tokens and any code still pending from an earlier approval, never the code just issued."""

from __future__ import annotations

import pytest
from oauth2_provider.models import Grant

from authorisations.models import Authorisation
from tests.authorisations.factories import approve, credentials, exchange, pkce_pair

pytestmark = pytest.mark.django_db


def test_each_approval_of_the_same_third_party_gives_a_code_that_can_be_exchanged(
    registration, browser1, api
):
    client_id, secret = credentials(registration)
    answers = []
    for _approval in range(3):
        verifier, challenge = pkce_pair()
        code = approve(browser1, client_id, challenge)
        answers.append(exchange(api, client_id, secret, code, verifier).status_code)

    assert answers == [200, 200, 200]
    statuses = Authorisation.objects.order_by("created_at").values_list("status", flat=True)
    assert list(statuses) == ["revoked", "revoked", "active"]


def test_a_code_left_from_the_replaced_approval_ends_with_it(registration, browser1, api):
    client_id, secret = credentials(registration)
    earlier_verifier, earlier_challenge = pkce_pair()
    earlier_code = approve(browser1, client_id, earlier_challenge)
    verifier, challenge = pkce_pair()

    code = approve(browser1, client_id, challenge, duration_days=30)

    assert list(Grant.objects.values_list("code", flat=True)) == [code]
    refused = exchange(api, client_id, secret, earlier_code, earlier_verifier)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    assert exchange(api, client_id, secret, code, verifier).status_code == 200
    # The new code was spent by its exchange: it works once.
    again = exchange(api, client_id, secret, code, verifier)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
