"""The consent list reads its query parameters through a FilterSet shared with the authorisation
list (`core.api.filters`): the same filters, the same 400 naming the parameter for a bad value."""

from __future__ import annotations

import pytest

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_the_consent_list_filters_by_subject_purpose_and_status(as_user, officer):
    marketing, analytics = make_purpose("marketing", category="marketing"), make_purpose("analytics")
    one, two = make_subject(), make_subject()
    a = grant(one, marketing)
    b = grant(one, analytics)
    grant(two, marketing)
    api = as_user(officer)

    def ids(**params):
        return {c["id"] for c in api.get("/api/v1/consents/", params).json()["results"]}

    assert ids(subject=one.external_ref) == {str(a.pk), str(b.pk)}
    assert ids(subject=one.external_ref, purpose="analytics") == {str(b.pk)}
    assert ids(subject=one.external_ref, status="withdrawn") == set()
    assert ids(subject=one.external_ref, status="") == {str(a.pk), str(b.pk)}
    assert len(ids()) == 3


def test_a_bad_status_is_a_400_naming_the_parameter(as_user, officer):
    answer = as_user(officer).get("/api/v1/consents/", {"status": "lost"})
    assert answer.status_code == 400
    assert "status" in answer.json()
