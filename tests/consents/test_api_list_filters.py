"""The consent, purpose and withdrawal-duty lists read their query parameters through FilterSets
(`core.api.filters`, the consent list's shared with the authorisation list): the same 400 naming
the parameter for a bad value."""

from __future__ import annotations

import pytest

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
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


def test_the_purpose_list_filters_by_active(as_user, officer):
    make_purpose("marketing", category="marketing")
    make_purpose("analytics", active=False)
    api = as_user(officer)

    def codes(**params):
        return {p["code"] for p in api.get("/api/v1/purposes/", params).json()["results"]}

    assert codes(active="true") == codes(active="yes") == {"marketing"}
    assert codes(active="false") == codes(active="0") == {"analytics"}
    assert codes() == codes(active="") == {"marketing", "analytics"}


def test_a_word_that_is_not_yes_or_no_for_active_is_a_400_not_the_whole_catalogue(as_user, officer):
    """A caller who writes `?active=maybe` (or `?active=Y`) must not get every purpose back and
    believe the list was narrowed: the same 400 naming the parameter as any other bad filter."""
    make_purpose("marketing", category="marketing")
    answer = as_user(officer).get("/api/v1/purposes/", {"active": "maybe"})
    assert answer.status_code == 400
    assert answer.json() == {"active": ["Hãy ghi true hoặc false."]}


def test_the_duty_list_filters_by_status_and_refuses_an_unknown_one(as_user, officer):
    recipient = make_recipient("Partner Insurance")
    consent = grant(make_subject(), make_purpose("sharing", category="sharing", recipients=[recipient]))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    api = as_user(officer)

    def count(**params):
        return len(api.get("/api/v1/withdrawal-duties/", params).json()["results"])

    assert (count(status="open"), count(status="acknowledged"), count(status=""), count()) == (1, 0, 1, 1)
    answer = api.get("/api/v1/withdrawal-duties/", {"status": "lost"})
    assert answer.status_code == 400
    assert "status" in answer.json()
