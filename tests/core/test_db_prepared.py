"""The hot-path cursor: prepared once per PostgreSQL connection, Django's errors, same answers."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection
from rest_framework.test import APIClient

from consents.selectors import consent_check
from core.db import prepared_cursor
from tests.consents.factories import grant, make_purpose
from tests.factories import make_token

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_statements(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"]
        )
        return cursor.fetchone()[0]


@postgresql_only
def test_the_check_and_the_token_lookup_are_planned_once_per_connection(client_user):
    subject = grant(purpose=make_purpose("marketing", category="marketing")).subject
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(client_user, scopes=['consents:read'])}")
    query = {"subject": subject.external_ref, "purpose": "marketing"}
    for _ in range(3):
        response = api.get("/api/v1/consent-check/", query)
        assert response.status_code == 200
        assert response.json()["allowed"] is True
    assert _prepared_statements("consents_consentstate") == 1
    assert _prepared_statements("core_apitoken") == 1


@postgresql_only
def test_a_cif_typed_in_lower_case_is_planned_once_too():
    """Upper case (as core banking sends it) and any other case are two statements, each prepared once."""
    subject = grant(purpose=make_purpose("marketing", category="marketing")).subject
    for ref in (subject.external_ref.lower(), subject.external_ref.lower(), subject.external_ref):
        assert consent_check(subject_ref=ref, purpose_code="marketing").allowed
    assert _prepared_statements("consents_consentstate") == 2


@postgresql_only
def test_switched_off_it_prepares_nothing():
    subject = grant(purpose=make_purpose("marketing", category="marketing")).subject
    options = connection.settings_dict["OPTIONS"]
    saved = options.pop("prepare_threshold")
    try:
        assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing").allowed
        assert _prepared_statements("consents_consentstate") == 0
    finally:
        options["prepare_threshold"] = saved
    assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing").allowed
    assert _prepared_statements("consents_consentstate") == 1


def test_database_errors_are_djangos_own():
    with pytest.raises(DatabaseError), prepared_cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM core_apitoken")
