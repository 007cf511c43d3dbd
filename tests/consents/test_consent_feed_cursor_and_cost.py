"""The consent feed's cursor is the platform's word, not the batch's (a cursor made up by hand is refused,
at the acknowledgement above all, where it would record the core's word for stops it never read), and a
page costs the same number of queries whatever its size."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consents import services
from consents.models import ConsentState
from consents.selectors import consent_feed_page
from tests.consents.factories import STAFF, grant
from tests.consents.feed_setup import APPLIED, CORE, FEED, marketing_in_force
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing():
    return marketing_in_force()


def _withdrawn(marketing, count: int) -> list:
    """`count` customers who said yes a month ago and withdrew, the rows written ten minutes ago."""
    customers = []
    for _ in range(count):
        consent = grant(make_subject(), marketing, now=timezone.now() - timedelta(days=30))
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
        customers.append(consent.subject)
    written = timezone.now() - timedelta(minutes=10)
    ConsentState.objects.filter(subject__in=customers).update(updated_at=written)
    return customers


def _hand_made_cursor(written_at, *, row: int = 0) -> str:
    text = f"marketing|{written_at.isoformat()}|{row}|{timezone.now().isoformat()}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_an_acknowledgement_with_a_cursor_the_feed_never_gave_is_refused(marketing, as_user, client_user):
    """The bank shows an inspector the acknowledgement as the core's proof it applied the stops: a cursor
    put together by hand would record it for stops the core never even pulled."""
    _withdrawn(marketing, 1)
    core = as_user(client_user, CORE)

    forged = _hand_made_cursor(timezone.now() - timedelta(minutes=6), row=10**9)
    answer = core.post(APPLIED, {"purpose": "marketing", "cursor": forged}, format="json")

    assert answer.status_code == 400, answer.json()
    assert "cursor" in answer.json()


def test_a_hand_made_cursor_cannot_silence_the_feeds_reload(marketing, as_user, client_user):
    _withdrawn(marketing, 1)
    core = as_user(client_user, CORE)

    answer = core.get(FEED, {"purpose": "marketing", "cursor": _hand_made_cursor(timezone.now())})

    assert answer.status_code == 400, answer.json()
    assert "cursor" in answer.json()


def _queries_for_a_page(core, *, items: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        answer = core.get(FEED, {"purpose": "marketing", "limit": 5000})
    assert answer.status_code == 200, answer.json()
    stops = [item["stop_by"] for item in answer.json()["items"]]
    assert len(stops) == items and all(stops)
    return len(queries)


def test_a_page_of_recent_withdrawals_costs_the_same_queries_whatever_its_size(
    marketing, as_user, client_user
):
    """A page of 5,000 withdrawals must not read the working-day calendar 5,000 times."""
    core = as_user(client_user, CORE)
    _withdrawn(marketing, 2)
    _queries_for_a_page(core, items=2)  # the token's and the catalogue's first reads out of the count
    few = _queries_for_a_page(core, items=2)
    _withdrawn(marketing, 8)

    assert _queries_for_a_page(core, items=10) == few


def test_a_renumbered_customer_reaches_the_next_run_under_the_new_number(marketing, as_user, dpo):
    """Core banking moved the customer to a new CIF: a batch keying its flags by CIF must hear of it at its
    next run, not at the customer's next change of answer."""
    customer = grant(make_subject(), marketing, now=timezone.now() - timedelta(days=30)).subject
    ConsentState.objects.filter(subject=customer).update(updated_at=timezone.now() - timedelta(hours=1))
    loaded = consent_feed_page(purpose_code="marketing", after=None)
    assert [item.subject for item in loaded.items] == [customer.external_ref]

    changed = as_user(dpo).post(
        f"/api/v1/subjects/{customer.pk}/customer-number/",
        {"external_ref": "CIF7299999", "kind": "renumbered", "reason": "core banking migration batch 7"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    changes = consent_feed_page(
        purpose_code="marketing", after=loaded.next, now=timezone.now() + timedelta(minutes=10)
    )

    assert [item.subject for item in changes.items] == ["CIF7299999"]


def test_a_purpose_switched_off_or_on_since_the_last_run_asks_for_the_snapshot_again(marketing):
    """Switching a purpose off turns every answer to "no" (purpose_inactive) without rewriting a row; on
    again, back: a run reading only the rows changed since would keep every flag as it was."""
    customer = grant(make_subject(), marketing, now=timezone.now() - timedelta(days=30)).subject
    ConsentState.objects.filter(subject=customer).update(updated_at=timezone.now() - timedelta(hours=1))
    loaded = consent_feed_page(purpose_code="marketing", after=None)
    assert [item.result.allowed for item in loaded.items] == [True]
    later = timezone.now() + timedelta(minutes=10)

    services.purpose_update(actor=STAFF, code="marketing", changes={"active": False})
    switched_off = consent_feed_page(purpose_code="marketing", after=loaded.next, now=later)
    snapshot = consent_feed_page(purpose_code="marketing", after=None, now=later)

    assert (switched_off.reload, switched_off.items, switched_off.next) == ("purpose_inactive", [], None)
    assert [item.result.reason for item in snapshot.items] == ["purpose_inactive"]
    assert consent_feed_page(purpose_code="marketing", after=snapshot.next, now=later).reload is None

    services.purpose_update(actor=STAFF, code="marketing", changes={"active": True})
    switched_on = consent_feed_page(purpose_code="marketing", after=loaded.next, now=later)

    assert switched_on.reload == "purpose_reactivated"
