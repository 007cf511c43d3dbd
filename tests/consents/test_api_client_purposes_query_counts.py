"""The consent check is asked before every marketing send and card authorisation: limiting a client's
token to the purposes it serves (`purpose:<code>` scopes) must cost that hot path no query. The purposes
are read from the token the authentication already loaded (and caches), so a scoped token's check costs
what an unscoped one's does, and a check refused for another purpose costs none."""
from __future__ import annotations

import math
from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from integrations import principals
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db
READS = ["consents:read"]
MARKETING_ONLY = [*READS, "purpose:marketing-offers"]


@pytest.fixture
def ref(db):
    subject = make_subject()
    grant(subject, make_purpose("marketing-offers", category="marketing"))
    make_purpose("biometric-auth", sensitive=True)
    return subject.external_ref


def _check(api, ref, purpose="marketing-offers"):
    return lambda: api.get("/api/v1/consent-check/", {"subject": ref, "purpose": purpose})


def _bulk(api, ref):
    body = {"purpose": "marketing-offers", "subjects": [ref]}
    return lambda: api.post("/api/v1/consent-check/bulk/", body, format="json")


@pytest.mark.parametrize("call", [_check, _bulk])
def test_a_purpose_scoped_token_costs_the_check_no_query(as_user, client_user, ref, call):
    unscoped = queries_of(call(as_user(client_user, scopes=READS), ref))
    scoped = queries_of(call(as_user(client_user, scopes=MARKETING_ONLY), ref))
    assert scoped == unscoped


def test_a_check_of_a_purpose_not_served_is_refused_before_any_query(as_user, client_user, ref):
    refused = _check(as_user(client_user, scopes=MARKETING_ONLY), ref, purpose="biometric-auth")
    with (
        override_settings(API_TOKEN_CACHE_SECONDS=math.inf),
        mock.patch.object(principals, "USER_TTL_SECONDS", math.inf),
    ):
        assert refused().status_code == 403  # the token and its user are loaded and kept
        with CaptureQueriesContext(connection) as queries:
            assert refused().status_code == 403
    assert len(queries) == 0, [query["sql"] for query in queries]
