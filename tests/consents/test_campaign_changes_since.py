"""A campaign sends over days: the marketing agency checks its list once, then asks which customers turned
to "no" since then (`GET /api/v1/consent-check/changes/`), so it stops contacting them within the 72
hours, without checking the whole list again on every send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import Consent
from consents.selectors import consent_check_bulk, consent_check_changes
from consents.services import consents_import_csv
from tests.consents.factories import (
    STAFF,
    SYSTEM,
    announce_on_time,
    grant,
    life_event_recorded,
    make_purpose,
    publish_notice,
)
from tests.consents.import_files import IMPORTER, csv_lines
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
AGENCY = ["consents:read", "purpose:marketing"]
CHANGES = "/api/v1/consent-check/changes/"


@pytest.fixture
def marketing():
    return make_purpose("marketing", category="marketing", effective_at=timezone.now() - timedelta(days=90))


def _customers_who_said_yes(marketing, count: int) -> list:
    return [grant(make_subject(), marketing, now=timezone.now() - timedelta(days=30)).subject
            for _ in range(count)]


def test_the_changes_since_the_list_was_pulled_name_everyone_now_refused(marketing):
    stays, withdraws, objects, lapses, leaves, paper = _customers_who_said_yes(marketing, 6)
    lapsing = grant(make_subject(), marketing, expires_at=timezone.now() + timedelta(minutes=5)).subject
    refs = [c.external_ref for c in (stays, withdraws, objects, lapses, leaves, paper, lapsing)]
    pulled_at = timezone.now()
    pulled = consent_check_bulk(purpose_code="marketing", subject_refs=refs)
    assert all(answer.allowed for answer in pulled.values())

    services.consent_withdraw(actor=STAFF, consent_id=withdraws_consent(withdraws), channel="branch")
    services.restrictions_apply(
        actor=SYSTEM, subject=objects, purposes=[marketing], kind="object", source="dsr:o"
    )
    life_event_recorded(leaves, "relationship_ended_on", reason="accounts closed")
    # A paper withdrawal signed three days ago, keyed in today: dated before the list was pulled.
    signed = (timezone.localdate() - timedelta(days=3)).isoformat()
    run = consents_import_csv(actor=IMPORTER, filename="branch.csv", lines=csv_lines(
        f"{paper.external_ref},marketing,v1,paper_form,SCAN-9,{signed},,,withdrawn",
    ))
    assert run.withdrawals_recorded == 1, run.errors

    changes = consent_check_changes(
        purpose_code="marketing", since=pulled_at, now=timezone.now() + timedelta(minutes=10)
    )

    assert changes.recheck_list is None
    assert {ref: answer.reason for ref, answer in changes.not_allowed.items()} == {
        withdraws.external_ref: "withdrawn",
        objects.external_ref: "objected",
        leaves.external_ref: "withdrawn",
        paper.external_ref: "withdrawn",
        lapsing.external_ref: "expired",
    }


def withdraws_consent(customer):
    return Consent.objects.get(subject=customer, status="granted").pk


def test_a_widening_in_effect_since_asks_the_agency_to_check_the_whole_list_again(marketing):
    _customers_who_said_yes(marketing, 1)
    pulled_at = timezone.now() - timedelta(minutes=1)
    publish_notice("marketing", "v2", effective_at=timezone.now() - timedelta(seconds=1), material=True,
                   now=timezone.now() - timedelta(days=30, seconds=2))
    announce_on_time("marketing")

    changes = consent_check_changes(purpose_code="marketing", since=pulled_at)

    assert changes.recheck_list == "reconsent_required"


def test_the_agency_asks_through_the_api(marketing, as_user, client_user):
    (customer,) = _customers_who_said_yes(marketing, 1)
    since = timezone.now().isoformat()
    services.consent_withdraw(actor=STAFF, consent_id=withdraws_consent(customer), channel="branch")
    agency = as_user(client_user, AGENCY)

    answer = agency.get(CHANGES, {"purpose": "marketing", "since": since})

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["not_allowed"] == [{"subject": customer.external_ref, "reason": "withdrawn"}]
    assert body["recheck_list"] is None
    assert body["purpose"] == "marketing" and body["since"] and body["checked_at"]


@pytest.mark.parametrize(("query", "status"), [
    ({"purpose": "marketing"}, 400),
    ({"purpose": "marketing", "since": "yesterday"}, 400),
    ({"purpose": "marketing", "since": "2999-01-01T00:00:00"}, 400),
    ({"purpose": "biometric", "since": "2026-01-01"}, 403),
])
def test_the_api_refuses_what_it_cannot_answer(marketing, as_user, client_user, query, status):
    make_purpose("biometric", category="security", sensitive=True, data_categories=["biometric"])

    answer = as_user(client_user, AGENCY).get(CHANGES, query)

    assert answer.status_code == status, answer.json()


def test_a_withdrawal_stamped_before_the_list_was_checked_but_committed_after_is_listed(marketing):
    """A withdrawal's transaction takes its time when it starts and commits a moment later: a campaign
    check that read in between still saw the consent, so the changes since that check must list it."""
    (customer,) = _customers_who_said_yes(marketing, 1)
    checked_at = timezone.now()
    services.consent_withdraw(
        actor=STAFF, consent_id=withdraws_consent(customer), channel="branch",
        now=checked_at - timedelta(seconds=2),
    )

    changes = consent_check_changes(purpose_code="marketing", since=checked_at)

    assert list(changes.not_allowed) == [customer.external_ref]


def test_a_withdrawal_from_an_import_that_started_before_the_check_is_listed(marketing):
    """A long import takes its time once, at its start; the withdrawals it records after the campaign
    checked its list are changes since that check, whenever the import began."""
    (customer,) = _customers_who_said_yes(marketing, 1)
    checked_at = timezone.now()
    signed = (timezone.localdate() - timedelta(days=1)).isoformat()
    run = consents_import_csv(
        actor=IMPORTER, filename="branch.csv", now=checked_at - timedelta(hours=1),
        lines=csv_lines(f"{customer.external_ref},marketing,v1,paper_form,SCAN-7,{signed},,,withdrawn"),
    )
    assert run.withdrawals_recorded == 1, run.errors

    changes = consent_check_changes(purpose_code="marketing", since=checked_at)

    assert list(changes.not_allowed) == [customer.external_ref]
