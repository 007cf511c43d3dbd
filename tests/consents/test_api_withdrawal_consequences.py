"""A mobile or internet-banking app withdraws through the API, and must explain the consequences first, as
the bank's own pages do (domain notes: "the consequences are explained first"). The consent's detail gives
the app the text to show (`withdrawal_consequences`, the same sentences as the withdrawal pages, in the
language the app asks for) while the consent can be withdrawn, and none once it cannot."""

from __future__ import annotations

import pytest

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

APP_SCOPES = ["consents:read", "consents:write"]


def _detail(api, consent, language="en"):
    response = api.get(f"/api/v1/consents/{consent.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_detail_gives_the_app_the_consequences_to_show_before_withdrawing(as_user, client_user):
    partner = make_recipient("Bảo hiểm Đối tác")
    face = make_purpose(
        "face-login", category="security", sensitive=True, data_categories=["biometric"], recipients=[partner]
    )
    consent = grant(make_subject(), face, channel="mobile_app", evidence="", sensitive_acknowledged=True)
    api = as_user(client_user, scopes=APP_SCOPES)

    told = " ".join(_detail(api, consent)["withdrawal_consequences"])

    assert "2345/QĐ-NHNN" in told and "branch" in told and "Bảo hiểm Đối tác" in told
    in_vietnamese = " ".join(_detail(api, consent, "vi")["withdrawal_consequences"])
    assert "quầy giao dịch" in in_vietnamese


def test_a_customer_reading_their_own_consent_gets_the_consequences_too(as_user, customer_a):
    consent = grant(customer_a.customer_account.subject, make_purpose("marketing", category="marketing"))

    told = _detail(as_user(customer_a), consent)["withdrawal_consequences"]

    assert "You will no longer receive offers and product news from the bank." in told


def test_a_consent_that_cannot_be_withdrawn_has_no_consequences_to_show(as_user, client_user):
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    detail = _detail(as_user(client_user, scopes=APP_SCOPES), consent)

    assert detail["withdrawal_consequences"] == [] and "withdraw" not in detail["allowed_actions"]
