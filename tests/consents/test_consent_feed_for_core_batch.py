"""A core-banking batch loads each customer's answer per purpose into the core's marketing and sharing flags
every night (`GET /api/v1/consent-feed/`): the whole snapshot once, then every answer recorded since its
last successful run, from a cursor, page by page, none skipped and none read twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import AuditEntry
from consents import services
from consents.models import Consent, ConsentState
from consents.selectors import consent_feed_page
from consents.services import consents_import_csv
from tests.consents.factories import STAFF, SYSTEM, announce_on_time, grant, make_purpose, publish_notice
from tests.consents.feed_setup import APPLIED, CORE, FEED, marketing_in_force
from tests.consents.import_files import IMPORTER, csv_lines
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing():
    return marketing_in_force()


def _said_yes(marketing, count: int, *, written_ago=timedelta(hours=1)) -> list:
    customers = [grant(make_subject(), marketing, now=timezone.now() - timedelta(days=30)).subject
                 for _ in range(count)]
    _written(customers, ago=written_ago)
    return customers


def _written(customers, *, ago: timedelta) -> None:
    """As if each state row had been written `ago`, one second apart, in the customers' order."""
    for position, customer in enumerate(customers):
        ConsentState.objects.filter(subject=customer).update(
            updated_at=timezone.now() - ago + timedelta(seconds=position)
        )


def _pull_all(reader, **query) -> tuple[list[dict], str | None]:
    items, cursor = [], query.pop("cursor", None)
    while True:
        answer = reader.get(FEED, {"purpose": "marketing", **query, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.json()
        body = answer.json()
        items += body["items"]
        cursor = body["next"]
        if not body["more"]:
            return items, cursor


def test_the_snapshot_comes_page_by_page_and_the_next_run_reads_only_what_changed(
    marketing, as_user, client_user
):
    customers = _said_yes(marketing, 5)
    core = as_user(client_user, CORE)

    snapshot, cursor = _pull_all(core, limit=2)

    assert [item["subject"] for item in snapshot] == [c.external_ref for c in customers]
    assert all(item["allowed"] and item["status"] == "granted" for item in snapshot)
    assert {item["notice_version"] for item in snapshot} == {"v1"}
    assert AuditEntry.objects.filter(action="consents.feed.read").count() == 3

    withdrawn = customers[2]
    services.consent_withdraw(
        actor=STAFF, consent_id=Consent.objects.get(subject=withdrawn, status="granted").pk, channel="branch"
    )
    _written([withdrawn], ago=timedelta(minutes=10))
    changes, _next = _pull_all(core, cursor=cursor)

    assert [(i["subject"], i["allowed"], i["reason"], i["status"]) for i in changes] == [
        (withdrawn.external_ref, False, "withdrawn", "withdrawn")
    ]
    assert changes[0]["stop_by"] is not None
    assert changes[0]["stop_by"] > changes[0]["changed_at"]


def test_a_row_inside_the_commit_lag_waits_so_one_stamped_earlier_and_committed_later_is_read(marketing):
    (first,) = _said_yes(marketing, 1, written_ago=timedelta(minutes=2))
    now = timezone.now()

    early = consent_feed_page(purpose_code="marketing", after=None, now=now)
    assert early.items == [] and early.next is None

    # Stamped before `first`, committed only after the batch's pull.
    (late,) = _said_yes(marketing, 1, written_ago=timedelta(minutes=3))
    later = consent_feed_page(purpose_code="marketing", after=early.next, now=now + timedelta(minutes=10))

    assert [item.subject for item in later.items] == [late.external_ref, first.external_ref]


def test_an_objection_put_in_force_reaches_the_next_run(marketing):
    (customer,) = _said_yes(marketing, 1)
    loaded = consent_feed_page(purpose_code="marketing", after=None)
    assert [item.result.allowed for item in loaded.items] == [True]

    services.restrictions_apply(
        actor=SYSTEM, subject=customer, purposes=[marketing], kind="object", source="dsr:o"
    )
    changes = consent_feed_page(
        purpose_code="marketing", after=loaded.next, now=timezone.now() + timedelta(minutes=10)
    )

    assert [(i.subject, i.result.reason) for i in changes.items] == [(customer.external_ref, "objected")]


def test_a_grant_from_an_import_that_began_before_the_last_run_is_not_skipped(marketing):
    """An import takes its time once, at its start, and commits batch by batch long after: its rows are
    stamped as they are written, or a cursor moved past that start would never read them."""
    _said_yes(marketing, 1, written_ago=timedelta(minutes=30))
    loaded = consent_feed_page(purpose_code="marketing", after=None)
    customer = make_subject()
    signed = (timezone.localdate() - timedelta(days=10)).isoformat()
    run = consents_import_csv(
        actor=IMPORTER, filename="legacy.csv", now=timezone.now() - timedelta(hours=1),
        lines=csv_lines(f"{customer.external_ref},marketing,v1,paper_form,SCAN-3,{signed},,,granted"),
    )
    assert run.imported == 1, run.errors

    changes = consent_feed_page(
        purpose_code="marketing", after=loaded.next, now=timezone.now() + timedelta(minutes=10)
    )

    assert [item.subject for item in changes.items] == [customer.external_ref]


def test_the_core_confirms_it_applied_the_stops_and_the_trail_keeps_its_word(marketing, as_user, client_user):
    """The 72-hour chain of a stop ends with the core's acknowledgement, not with the feed's answer."""
    (customer,) = _said_yes(marketing, 1)
    services.consent_withdraw(
        actor=STAFF, consent_id=Consent.objects.get(subject=customer, status="granted").pk, channel="branch"
    )
    _written([customer], ago=timedelta(minutes=10))
    core = as_user(client_user, CORE)
    items, cursor = _pull_all(core)
    assert [item["allowed"] for item in items] == [False]

    answer = core.post(APPLIED, {"purpose": "marketing", "cursor": cursor}, format="json")

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert parse_datetime(body["applied_through"]) == parse_datetime(items[0]["changed_at"])
    assert parse_datetime(body["acknowledged_at"]) < parse_datetime(items[0]["stop_by"])
    entry = AuditEntry.objects.get(pk=body["check_id"])
    assert entry.action == "consents.feed.applied"
    assert entry.data["purpose"] == "marketing" and entry.data["through"] == cursor
    refused = core.post(APPLIED, {"purpose": "marketing", "cursor": "nonsense"}, format="json")
    assert refused.status_code == 400 and "cursor" in refused.json()


def test_a_retried_acknowledgement_with_its_key_is_recorded_once(marketing, as_user, client_user):
    """The core's file transfer retries after a lost answer: the trail keeps one acknowledgement, not two."""
    _said_yes(marketing, 1)
    core = as_user(client_user, CORE)
    _items, cursor = _pull_all(core)

    body = {"purpose": "marketing", "cursor": cursor}
    first, retry = (core.post(APPLIED, body, format="json", HTTP_IDEMPOTENCY_KEY="run-7") for _ in range(2))

    assert first.status_code == retry.status_code == 200, first.json()
    assert retry.json() == first.json()
    assert AuditEntry.objects.filter(action="consents.feed.applied").count() == 1


def test_a_widening_that_took_effect_since_the_last_run_asks_for_the_snapshot_again(marketing):
    """A widening turns every consent on the older versions to "no" (re-consent) with no row rewritten:
    a run reading only the rows changed since would leave every flag at "yes"."""
    _said_yes(marketing, 2)
    loaded = consent_feed_page(purpose_code="marketing", after=None)
    assert len(loaded.items) == 2 and loaded.reload is None
    publish_notice("marketing", "v2", effective_at=timezone.now() - timedelta(seconds=1), material=True,
                   now=timezone.now() - timedelta(days=30, seconds=2))
    announce_on_time("marketing")
    services.purpose_versions_apply_due()

    changes = consent_feed_page(
        purpose_code="marketing", after=loaded.next, now=timezone.now() + timedelta(minutes=10)
    )

    assert changes.reload == "reconsent_required"
    assert changes.items == [] and changes.next is None
    snapshot = consent_feed_page(
        purpose_code="marketing", after=None, now=timezone.now() + timedelta(minutes=10)
    )
    assert {item.result.reason for item in snapshot.items} == {"reconsent_required"}
    assert snapshot.reload is None


def test_one_purposes_cursor_read_for_another_is_refused_not_a_silent_skip(marketing, as_user, client_user):
    """A batch keeping one cursor per purpose that mixes them up would skip every row of the other purpose
    written before the cursor's moment: those customers' flags would never be loaded."""
    sharing = make_purpose("sharing", category="sharing", effective_at=timezone.now() - timedelta(days=90))
    sharer = grant(make_subject(), sharing, now=timezone.now() - timedelta(days=30)).subject
    _written([sharer], ago=timedelta(hours=2))
    _said_yes(marketing, 1)
    core = as_user(client_user, [*CORE])
    _items, marketing_cursor = _pull_all(core)

    answer = core.get(FEED, {"purpose": "sharing", "cursor": marketing_cursor})

    assert answer.status_code == 400, answer.json()
    assert "marketing" in answer.json()["cursor"][0]


@pytest.mark.parametrize(("query", "field"), [
    ({}, "purpose"),
    ({"purpose": "marketing", "cursor": "not-a-cursor"}, "cursor"),
    ({"purpose": "marketing", "limit": "0"}, "limit"),
    ({"purpose": "marketing", "limit": "5001"}, "limit"),
    ({"purpose": "marketing", "limit": "ten"}, "limit"),
    ({"purpose": "marketing", "since": "2026-01-01"}, "since"),
])
def test_the_feed_refuses_what_it_cannot_answer_with_a_400_naming_the_parameter(
    marketing, as_user, client_user, query, field
):
    answer = as_user(client_user, CORE).get(FEED, query)

    assert answer.status_code == 400, answer.json()
    assert field in answer.json(), answer.json()
