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


@pytest.mark.django_db
def test_a_partner_paging_its_open_duties_while_acknowledging_them_sees_every_one(as_user, client_user):
    """The partner's loop: read a page of open "stop processing" duties, acknowledge each, read the next
    page (following `next`). Every open duty must come up in that one pass. By offset, each page's
    acknowledgements move the rows after it forward past the next offset; by cursor none is skipped."""
    partner = make_recipient("Partner Cards", client=client_user, url="https://partner.example/hook")
    purpose = make_purpose("co-branded", category="sharing", recipients=[partner])
    for _ in range(25):
        consent = grant(make_subject(), purpose)
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    api = as_user(client_user)
    handled: list[str] = []
    url, params = "/api/v1/withdrawal-duties/", {"status": "open", "limit": 10, "cursor": ""}
    while url:
        answer = api.get(url, params)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert body["previous"] is None
        for duty in body["results"]:
            acknowledged = api.post(f"/api/v1/withdrawal-duties/{duty['id']}/acknowledge/",
                                    {"note": "stopped"}, format="json")
            assert acknowledged.status_code == 200, acknowledged.content
            handled.append(duty["id"])
        url, params = body["next"], None

    assert len(handled) == 25, f"{25 - len(handled)} open duties were never returned by any page"
    assert len(set(handled)) == 25
