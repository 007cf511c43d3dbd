"""An integration client serves some purposes, not the whole catalogue: a marketing platform's token
limited to `purpose:marketing` neither reads nor records the customer's biometric consent, and learns
nothing of it (not even that a restriction or a legal hold stands) from the consent check."""
from __future__ import annotations

import pytest

from consents.models import Consent
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
MARKETING_ONLY = ["consents:read", "consents:write", "purpose:marketing-offers"]


@pytest.fixture
def world(db):
    marketing = make_purpose("marketing-offers", category="marketing")
    biometric = make_purpose("biometric-auth", sensitive=True)
    subject = make_subject()
    return {
        "subject": subject,
        "marketing": grant(subject, marketing),
        "biometric": grant(subject, biometric, sensitive_acknowledged=True),
    }


def test_the_check_answers_only_for_the_purposes_the_token_serves(as_user, client_user, world):
    api = as_user(client_user, scopes=MARKETING_ONLY)
    ref = world["subject"].external_ref
    served = api.get("/api/v1/consent-check/", {"subject": ref, "purpose": "marketing-offers"})
    assert served.status_code == 200 and served.json()["allowed"] is True
    other = api.get("/api/v1/consent-check/", {"subject": ref, "purpose": "biometric-auth"})
    assert other.status_code == 403 and "biometric-auth" in other.json()["detail"]
    bulk = api.post("/api/v1/consent-check/bulk/", {"purpose": "biometric-auth", "subjects": [ref]},
                    format="json")
    assert bulk.status_code == 403


def test_records_of_other_purposes_are_out_of_reach(as_user, client_user, world):
    api = as_user(client_user, scopes=MARKETING_ONLY)
    listed = api.get("/api/v1/consents/", {"subject": world["subject"].external_ref}).json()["results"]
    assert [row["id"] for row in listed] == [str(world["marketing"].pk)]
    assert api.get(f"/api/v1/consents/{world['biometric'].pk}/").status_code == 404
    withdrawn = api.post(f"/api/v1/consents/{world['biometric'].pk}/withdraw/",
                         {"channel": "api", "reason": ""}, format="json")
    assert withdrawn.status_code == 404
    world["biometric"].refresh_from_db()
    assert world["biometric"].status == "granted"
    recorded = api.post("/api/v1/consents/", {
        "subject": world["subject"].external_ref, "purpose": "biometric-auth", "notice_version": "v1",
        "channel": "api", "sensitive_acknowledged": True,
    }, format="json")
    assert recorded.status_code == 403
    assert Consent.objects.filter(purpose__code="biometric-auth").count() == 1


def test_a_token_naming_no_purpose_keeps_the_whole_catalogue(as_user, client_user, world):
    api = as_user(client_user, scopes=["consents:read"])
    ref = world["subject"].external_ref
    answer = api.get("/api/v1/consent-check/", {"subject": ref, "purpose": "biometric-auth"})
    assert answer.status_code == 200 and answer.json()["allowed"] is True


def test_withdraw_all_of_a_client_serving_a_purpose_on_another_basis_stops_its_consents(
    as_user, client_user, world
):
    """A card processor serves the card service (a contract: nothing to withdraw) and card offers (a
    consent): its "stop everything" withdraws the consents among what it serves, as a token naming no
    purpose withdraws every live consent, and is not refused for the purpose consent does not govern."""
    make_purpose("card-service", legal_basis="contract")
    scopes = [*MARKETING_ONLY, "purpose:card-service"]
    api = as_user(client_user, scopes=scopes)
    answer = api.post("/api/v1/consents/withdraw/",
                      {"subject": world["subject"].external_ref, "channel": "api"}, format="json")
    assert answer.status_code == 200, answer.content
    assert [row["id"] for row in answer.json()["withdrawn"]] == [str(world["marketing"].pk)]
    world["biometric"].refresh_from_db()
    assert world["biometric"].status == "granted"
