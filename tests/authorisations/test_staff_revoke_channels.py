"""Staff revoke a customer's authorisation of a third party only through a channel a person at the bank
witnesses (branch, call centre, paper form), on the API as on the page; the customer keeps their own."""

from __future__ import annotations

import pytest

from authorisations.forms import StaffRevokeForm


@pytest.mark.parametrize("channel", ["internet_banking", "mobile_app", "api"])
def test_a_staff_token_revokes_through_no_customer_channel(as_user, authorised, officer, channel):
    authorisation, _tokens = authorised
    response = as_user(officer).post(
        f"/api/v1/authorisations/{authorisation.pk}/revoke/",
        {"channel": channel, "evidence": "REC-2026-0001"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.json()
    assert "Staff record only what a person at the bank witnessed" in response.json()["channel"][0]
    authorisation.refresh_from_db()
    assert authorisation.status == "active"


def test_the_staff_revoke_form_offers_the_witnessed_channels():
    assert [value for value, _label in StaffRevokeForm().fields["channel"].choices] == [
        "branch",
        "call_centre",
        "paper_form",
    ]
