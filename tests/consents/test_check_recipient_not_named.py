"""A recipient's own integration client (a marketing agency the bank registered, acknowledging its
stop notices) asks the consent check before it processes. The customer consented to processing by the
recipients the notice named: for a purpose that names another agency, or none, this one was never agreed
to, and no stop notice will ever reach it when the customer withdraws (`withdrawal_recipients`). The
answer is "no", `recipient_not_named`, in the single check, the campaign check and its changes alike,
and costs the hot path no query once the client's recipients are known."""
from __future__ import annotations

import math
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consents import catalogue, client_recipients
from consents.models import Recipient
from core.roles import Role
from integrations import principals
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import UserFactory, make_subject

pytestmark = pytest.mark.django_db
READS = ["consents:read"]


@pytest.fixture
def world(db):
    agency_client = UserFactory(username="agency_a_t", role=Role.CLIENT)
    agency = make_recipient("Công ty Quảng cáo A", kind="processor", client=agency_client)
    other = make_recipient("Công ty Quảng cáo B", kind="processor")
    named = make_purpose("offers-via-a", category="marketing", recipients=[agency])
    not_named = make_purpose("offers-via-b", category="marketing", recipients=[other])
    card_service = make_purpose("card-service", legal_basis="contract", recipients=[other])
    subject = make_subject()
    grant(subject, named)
    grant(subject, not_named)
    return {"client": agency_client, "ref": subject.external_ref, "card_service": card_service}


def _check(api, ref, purpose):
    return api.get("/api/v1/consent-check/", {"subject": ref, "purpose": purpose})


def test_a_recipients_client_is_refused_a_purpose_that_does_not_name_it(as_user, world):
    api = as_user(world["client"], scopes=READS)
    assert _check(api, world["ref"], "offers-via-a").json()["allowed"] is True
    answer = _check(api, world["ref"], "offers-via-b").json()
    assert (answer["allowed"], answer["reason"]) == (False, "recipient_not_named")
    contract = _check(api, world["ref"], "card-service").json()
    assert (contract["allowed"], contract["reason"]) == (False, "recipient_not_named")


def test_the_bank_s_own_client_still_gets_the_customer_s_answer(as_user, client_user, world):
    api = as_user(client_user, scopes=READS)
    assert _check(api, world["ref"], "offers-via-b").json()["allowed"] is True


def test_the_past_moment_check_answers_the_same(as_user, world):
    api = as_user(world["client"], scopes=READS)
    at = (timezone.now() - timedelta(seconds=1)).isoformat()
    answer = api.get("/api/v1/consent-check/", {"subject": world["ref"], "purpose": "offers-via-b", "at": at})
    assert (answer.json()["allowed"], answer.json()["reason"]) == (False, "recipient_not_named")


def test_the_campaign_check_and_its_changes_agree(as_user, world):
    api = as_user(world["client"], scopes=READS)
    body = {"purpose": "offers-via-b", "subjects": [world["ref"]]}
    bulk = api.post("/api/v1/consent-check/bulk/", body, format="json").json()
    assert bulk["allowed"] == []
    assert bulk["not_allowed"] == [{"subject": world["ref"], "reason": "recipient_not_named"}]
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    changes = api.get("/api/v1/consent-check/changes/", {"purpose": "offers-via-b", "since": since}).json()
    assert changes["recheck_list"] == "recipient_not_named"
    named = api.post(
        "/api/v1/consent-check/bulk/", {"purpose": "offers-via-a", "subjects": [world["ref"]]}, format="json"
    ).json()
    assert named["allowed"] == [world["ref"]]


def test_knowing_the_client_s_recipients_costs_the_check_no_query(as_user, world):
    api = as_user(world["client"], scopes=READS)
    with override_settings(API_TOKEN_CACHE_SECONDS=math.inf), mock.patch.object(
        principals, "USER_TTL_SECONDS", math.inf
    ), mock.patch.object(catalogue.purpose_catalogue_cache, "ttl_seconds", math.inf), mock.patch.object(
        client_recipients.client_links_cache, "ttl_seconds", math.inf
    ):
        assert _check(api, world["ref"], "offers-via-b").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert _check(api, world["ref"], "offers-via-b").json()["reason"] == "recipient_not_named"
    assert not [q["sql"] for q in queries if Recipient._meta.db_table in q["sql"]]
    assert len(queries) == 1, [q["sql"] for q in queries]
