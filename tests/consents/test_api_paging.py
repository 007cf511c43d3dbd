"""Paging the consent and duty lists: every row exactly once, even when many share their sort time (a CSV
import of paper forms dated by day gives every row of a day the same granted_at; every duty of one
withdrawal of several purposes is due at the same moment). The ties only show on PostgreSQL, whose
order among equal keys changes with the plan; SQLite happens to keep insertion order."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject


def _all_pages(api, url: str, params: dict, size: int) -> list[str]:
    """The ids of every page read by offset, `size` at a time, until an empty page."""
    seen: list[str] = []
    offset = 0
    while True:
        answer = api.get(url, {**params, "limit": size, "offset": offset})
        assert answer.status_code == 200, answer.content
        page = [row["id"] for row in answer.json()["results"]]
        if not page:
            return seen
        seen += page
        offset += size


@pytest.mark.django_db
def test_consent_list_pages_return_each_consent_exactly_once_when_grant_times_tie(as_user, client_user):
    purpose = make_purpose("paging-marketing", category="marketing")
    same_moment = timezone.now() - timedelta(days=1)
    created = {str(grant(make_subject(), purpose, now=same_moment).pk) for _ in range(130)}

    seen = _all_pages(as_user(client_user), "/api/v1/consents/", {"purpose": purpose.code}, 20)

    assert len(seen) == len(set(seen)), "a consent was repeated across pages"
    assert set(seen) == created, "a consent was never returned by any page"


@pytest.mark.django_db
def test_a_recipients_duty_list_pages_return_each_duty_exactly_once(as_user, client_user):
    """A partner pages its "stop processing" duties. Every duty of one withdrawal of several purposes is
    due at the same moment, so an order by due_at alone ties."""
    partner = make_recipient("Partner Bancassurance", client=client_user, url="https://partner.example/hook")
    purposes = [make_purpose(f"shared-{n}", category="sharing", recipients=[partner]) for n in range(12)]
    for subject in [make_subject() for _ in range(6)]:
        for purpose in purposes:
            grant(subject, purpose)
        services.consents_withdraw_for_subject(actor=STAFF, subject=subject, channel="branch")

    seen = _all_pages(as_user(client_user), "/api/v1/withdrawal-duties/", {}, 10)

    assert len(seen) == 72
    assert len(set(seen)) == 72, "a duty was repeated across pages (and another never shown)"
