"""`POST /api/v1/consents/{id}/void/`: a consent recorded in error is voided by the DPO or a privacy
officer who did not record it; the consent's detail then says when, by whom and why, and the check
answers "voided" now and as it stood before the correction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Consent, ConsentStatus
from core.actors import actor_for_user
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db
BODY = {"reason": "wrong_customer", "note": "The form belongs to CIF next door; mistyped."}
FOUR_EYES = (
    "You recorded this consent: another responsible person (the DPO or a privacy officer) must void it."
)


def _url(consent) -> str:
    return f"/api/v1/consents/{consent.pk}/void/"


def test_the_dpo_voids_and_the_detail_and_the_check_say_so(as_user, dpo, officer):
    consent = grant(
        make_subject(),
        make_purpose("marketing"),
        actor=actor_for_user(officer),
        now=timezone.now() - timedelta(hours=1),
    )
    api = as_user(dpo)
    before = timezone.now()

    answer = api.post(_url(consent), BODY, format="json")

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["id"] == str(consent.pk) and body["status"] == "voided" and body["withdrawn_at"] is None
    assert body["voided"]["reason"] == "wrong_customer"
    assert in_either_language("Recorded on the wrong customer", body["voided"]["reason_label"])
    assert (body["voided"]["by"], body["voided"]["by_role"]) == ("dpo_t", "dpo")
    assert body["allowed_actions"] == []
    detail = api.get(f"/api/v1/consents/{consent.pk}/").json()
    assert detail["voided"] == body["voided"] and detail["status"] == "voided"
    ref = consent.subject.external_ref
    check = api.get("/api/v1/consent-check/", {"subject": ref, "purpose": "marketing"}).json()
    assert (check["allowed"], check["reason"], check["consent"]) == (False, "voided", str(consent.pk))
    at = (before - timedelta(seconds=1)).isoformat()
    then = api.get("/api/v1/consent-check/", {"subject": ref, "purpose": "marketing", "at": at}).json()
    assert (then["allowed"], then["reason"]) == (True, "granted")


def test_the_detail_offers_void_to_whom_the_endpoint_accepts(as_user, dpo, privacy_officer, officer, auditor):
    consent = grant(make_subject(), make_purpose("marketing"), actor=actor_for_user(privacy_officer))
    offered = {
        user.username: as_user(user).get(f"/api/v1/consents/{consent.pk}/").json()["allowed_actions"]
        for user in (dpo, privacy_officer, officer, auditor)
    }
    # The privacy officer recorded it: four eyes. Whoever may change consents may withdraw it.
    assert offered == {
        "dpo_t": ["void", "withdraw"], "privacy_t": ["withdraw"], "officer_t": ["withdraw"], "auditor_t": []
    }
    assert as_user(dpo).get(f"/api/v1/consents/{consent.pk}/").json()["voided"] is None


def test_the_customers_own_answer_is_voided_only_as_the_rule_allows(as_user, dpo, customer_a):
    mine, marketing = customer_a.customer_account.subject, make_purpose("marketing")
    signed_in = grant(mine, marketing, actor=actor_for_user(customer_a), channel="internet_banking")
    reported = grant(make_subject(), marketing, channel="mobile_app", session_ref="sess-1")
    api = as_user(dpo)
    assert api.get(f"/api/v1/consents/{signed_in.pk}/").json()["allowed_actions"] == ["withdraw"]
    assert api.get(f"/api/v1/consents/{reported.pk}/").json()["allowed_actions"] == ["void", "withdraw"]
    answers = {
        consent: api.post(
            f"/api/v1/consents/{consent.pk}/void/", {"reason": "other", "note": "n"}, format="json"
        )
        for consent in (signed_in, reported)
    }
    assert (answers[signed_in].status_code, answers[signed_in].json()["code"]) == (409, "customer_own_answer")
    assert answers[reported].status_code == 400
    assert set(answers[reported].json()) == {"reason"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "x"}, "reason"),
        ({"reason": "changed_mind", "note": "x"}, "reason"),
        ({"reason": "other"}, "note"),
        ({"reason": "other", "note": "   "}, "note"),
    ],
)
def test_a_bad_reason_or_no_note_is_a_400_on_its_field(as_user, dpo, body, field):
    consent = grant(make_subject(), make_purpose("marketing"))
    answer = as_user(dpo).post(_url(consent), body, format="json")
    assert answer.status_code == 400 and field in answer.json()
    assert Consent.objects.get(pk=consent.pk).status == ConsentStatus.GRANTED


def test_wrong_role_or_the_recorder_is_a_403_with_a_message(as_user, officer, privacy_officer, client_user):
    consent = grant(make_subject(), make_purpose("marketing"), actor=actor_for_user(privacy_officer))
    for user in (officer, client_user):
        assert as_user(user).post(_url(consent), BODY, format="json").status_code == 403
    own = as_user(privacy_officer).post(_url(consent), BODY, format="json")
    assert own.status_code == 403
    assert own.json()["code"] == "four_eyes"
    assert in_either_language(FOUR_EYES, own.json()["detail"])
    assert Consent.objects.get(pk=consent.pk).status == ConsentStatus.GRANTED


def test_a_consent_not_in_force_is_a_409_and_a_retry_with_the_key_replays(as_user, dpo):
    consent = grant(make_subject(), make_purpose("marketing"))
    api = as_user(dpo)
    one = api.post(_url(consent), BODY, format="json", HTTP_IDEMPOTENCY_KEY="v-1")
    two = api.post(_url(consent), BODY, format="json", HTTP_IDEMPOTENCY_KEY="v-1")
    assert one.status_code == two.status_code == 200 and two.headers["Idempotent-Replayed"] == "true"
    assert AuditEntry.objects.filter(action="consents.consent.voided").count() == 1
    again = api.post(_url(consent), BODY, format="json", HTTP_IDEMPOTENCY_KEY="v-2")
    assert again.status_code == 409 and again.json()["code"] == "not_voidable"


def test_the_schema_describes_the_void(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/consents/{id}/void/"]["post"]
    assert operation["operationId"] == "consent_void"
    assert {"200", "400", "403", "409"} <= set(operation["responses"])
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][request]["required"]) == {"reason", "note"}
    reasons = [s for s in schema["components"]["schemas"].values() if "wrong_customer" in s.get("enum", [])]
    assert reasons
    assert set(reasons[0]["enum"]) == {"wrong_customer", "wrong_purpose", "duplicate_entry", "other"}
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"voided", "allowed_actions"} <= set(schema["components"]["schemas"][answer]["properties"])
