"""Each campaign check the marketing agency makes leaves the bank its proof, one audit entry per call
(never one per customer, so the trail is not flooded): who asked, when, for which purpose, how many
customers and with what answer, sealed by a digest of the answer the agency keeps with its sends."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import Consent
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
AGENCY = ["consents:read", "purpose:marketing"]
CAMPAIGN_CHECKED = "consents.campaign.checked"


def _digest(lists: dict) -> str:
    canonical = json.dumps(lists, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@pytest.fixture
def marketing():
    return make_purpose("marketing", category="marketing", effective_at=timezone.now() - timedelta(days=90))


def test_a_campaign_check_leaves_one_entry_with_who_when_and_the_digest(marketing, as_user, client_user):
    said_yes = grant(make_subject(), marketing).subject
    said_nothing = make_subject()
    refs = [said_yes.external_ref, said_nothing.external_ref, "CIF-NOBODY"]

    answer = as_user(client_user, AGENCY).post(
        "/api/v1/consent-check/bulk/", {"purpose": "marketing", "subjects": refs}, format="json"
    )

    assert answer.status_code == 200
    body = answer.json()
    (entry,) = AuditEntry.objects.filter(action=CAMPAIGN_CHECKED)
    assert (entry.actor_kind, entry.actor_label) == ("client", client_user.get_username())
    assert entry.subject_id is None
    lists = {key: body[key] for key in ("allowed", "not_allowed", "unknown", "moved")}
    assert entry.data == {
        "purpose": "marketing", "kind": "list", "asked": 3, "allowed": 1, "not_allowed": 1, "unknown": 1,
        "moved": 0, "answer_sha256": _digest(lists),
    }
    assert body["answer_sha256"] == _digest(lists)
    assert body["check_id"] == str(entry.pk)
    assert said_yes.external_ref not in json.dumps(entry.data)


def test_the_changes_since_leave_their_entry_too(marketing, as_user, client_user):
    customer = grant(make_subject(), marketing).subject
    since = timezone.now().isoformat()
    services.consent_withdraw(
        actor=STAFF, consent_id=Consent.objects.get(subject=customer).pk, channel="branch"
    )

    body = as_user(client_user, AGENCY).get(
        "/api/v1/consent-check/changes/", {"purpose": "marketing", "since": since}
    ).json()

    (entry,) = AuditEntry.objects.filter(action=CAMPAIGN_CHECKED)
    lists = {"not_allowed": body["not_allowed"], "recheck_list": None}
    assert entry.data == {
        "purpose": "marketing", "kind": "changes", "not_allowed": 1, "recheck_list": None,
        "answer_sha256": _digest(lists),
    }
    assert body["answer_sha256"] == _digest(lists)
