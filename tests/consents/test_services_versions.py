"""Versioned purposes: a widening is a new, announced version; consents on older versions need
re-consent once it takes effect; receipts stay what the customer agreed to; the check as of a time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consents import services
from consents.models import NoticeAnnouncement, NoticeVersion
from consents.receipts import consent_receipt
from consents.selectors import consent_check, consent_check_as_of
from core.errors import InvalidInput
from tests.consents.factories import STAFF, announce_on_time, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def sharing():
    insurer = make_recipient("Insurer")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[insurer], effective_at=NOW - timedelta(days=60)
    )
    return purpose, insurer


def _widen(purpose, *, days_ahead: int, **changes):
    return services.purpose_update(
        actor=STAFF,
        code=purpose.code,
        changes=changes.pop("changes", {}),
        effective_at=NOW + timedelta(days=days_ahead),
        now=NOW,
        **changes,
    )


@pytest.mark.parametrize(
    "change",
    [
        {"recipients": "add"},
        {"changes": {"cross_border": True, "destination_country": "KR"}},
        {"changes": {"sensitive": True}},
        {"changes": {"data_categories": ["contact", "credit_customer"]}},
        {"changes": {"retention_months": 240}},
    ],
)
def test_a_widening_is_a_significant_version_30_days_ahead_at_the_earliest(change):
    insurer = make_recipient("Insurer")
    purpose = make_purpose(
        category="sharing",
        recipients=[insurer],
        retention_months=60,
        data_categories=["contact"],
        effective_at=NOW - timedelta(days=60),
    )
    if change.get("recipients") == "add":
        change = {"recipients": [insurer, make_recipient("Korea Life")]}
    for days_ahead in (None, 7, 29):
        with pytest.raises(InvalidInput) as error:
            services.purpose_update(
                actor=STAFF,
                code=purpose.code,
                changes=change.get("changes", {}),
                recipients=change.get("recipients"),
                effective_at=NOW + timedelta(days=days_ahead) if days_ahead else None,
                now=NOW,
            )
        assert error.value.field == "effective_at" and "08/04/2026" in error.value.text
    _widen(purpose, days_ahead=30, **change)
    version = NoticeVersion.objects.filter(purpose=purpose).order_by("-effective_at").first()
    assert version.material and version.applied_at is None
    assert NoticeAnnouncement.objects.get(notice=version).significant


def test_a_narrowing_may_take_effect_at_once():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[insurer, broker], effective_at=NOW - timedelta(days=60)
    )
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer], now=NOW)
    purpose.refresh_from_db()
    assert list(purpose.recipients.all()) == [insurer]
    version = purpose.notices.order_by("-effective_at").first()
    assert not version.material and version.applied_at == NOW
    assert not NoticeAnnouncement.objects.exists()


def test_wording_changes_no_version(sharing):
    purpose, _insurer = sharing
    services.purpose_update(
        actor=STAFF, code=purpose.code, changes={"consequences_en": "Offers end."}, now=NOW
    )
    assert purpose.notices.count() == 1
    purpose.refresh_from_db()
    assert purpose.consequences_en == "Offers end."


def test_consents_on_the_older_version_need_reconsent_once_the_widening_takes_effect(sharing):
    purpose, insurer = sharing
    subject = make_subject()
    consent = grant(subject, purpose, now=NOW - timedelta(days=1))
    _widen(purpose, days_ahead=30, recipients=[insurer, make_recipient("Korea Life")])
    announce_on_time(purpose.code)
    before = consent_check(
        subject_ref=subject.external_ref, purpose_code=purpose.code, now=NOW + timedelta(days=29)
    )
    assert (before.allowed, before.reason) == (True, "granted")
    # The purpose keeps its scope until the version takes effect; the job then applies it.
    purpose.refresh_from_db()
    assert purpose.recipients.count() == 1
    after = NOW + timedelta(days=30, minutes=1)
    answer = consent_check(subject_ref=subject.external_ref, purpose_code=purpose.code, now=after)
    assert (answer.allowed, answer.reason, answer.consent) == (False, "reconsent_required", consent.pk)
    assert services.purpose_versions_apply_due(now=after) == 1
    assert services.purpose_versions_apply_due(now=after) == 0
    purpose.refresh_from_db()
    assert {r.name for r in purpose.recipients.all()} == {"Insurer", "Korea Life"}


def test_the_patch_endpoint_takes_the_change_and_its_date(as_user, dpo, officer, sharing):
    purpose, insurer = sharing
    partner = make_recipient("Korea Life")
    api = as_user(dpo)
    body = {
        "recipients": [insurer.pk, partner.pk],
        "effective_at": (timezone.now() + timedelta(days=10)).isoformat(),
    }
    assert as_user(officer).patch(f"/api/v1/purposes/{purpose.code}/", body, format="json").status_code == 403
    early = api.patch(f"/api/v1/purposes/{purpose.code}/", body, format="json")
    assert early.status_code == 400
    earliest = timezone.localtime(timezone.now() + timedelta(days=30)).strftime("%d/%m/%Y")
    assert earliest in early.json()["effective_at"][0]
    body["effective_at"] = (timezone.now() + timedelta(days=31)).isoformat()
    ok = api.patch(f"/api/v1/purposes/{purpose.code}/", body, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["version"] == 2 and ok.json()["notice_version"] == "v1"
    assert [r["name"] for r in ok.json()["recipients"]] == ["Insurer"]  # not in effect yet
    shown = api.get(f"/api/v1/purposes/{purpose.code}/").json()
    assert shown["version"] == 2 and shown["version_effective_at"]
    assert api.patch("/api/v1/purposes/nope/", {"active": False}, format="json").status_code == 404


def test_a_receipt_is_frozen_at_the_grant(sharing):
    purpose, insurer = sharing
    consent = grant(make_subject(), purpose, now=NOW - timedelta(days=1))
    before = json.dumps(consent_receipt(consent))
    services.purpose_update(
        actor=STAFF,
        code=purpose.code,
        changes={"name_en": "Renamed", "description_en": "Other words"},
        now=NOW,
    )
    _widen(
        purpose,
        days_ahead=31,
        recipients=[insurer, make_recipient("Korea Life")],
        changes={"sensitive": True},
    )
    services.purpose_versions_apply_due(now=NOW + timedelta(days=32))
    consent.refresh_from_db()
    receipt = consent_receipt(consent)
    assert json.dumps(receipt) == before
    assert [r["name"] for r in receipt["recipients"]] == ["Insurer"]
    assert (receipt["purpose"]["name"], receipt["purpose"]["sensitive"]) == ("Purpose sharing", False)
    assert len(receipt["notice"]["text_sha256"]) == 64


def test_every_event_has_its_own_receipt(sharing):
    purpose, _insurer = sharing
    consent = grant(make_subject(), purpose, now=NOW - timedelta(days=2))
    granted = consent_receipt(consent)
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", now=NOW)
    consent.refresh_from_db()
    withdrawn = consent_receipt(consent)
    assert withdrawn["state"] == "withdrawn" and withdrawn["receipt_id"] != granted["receipt_id"]
    assert consent_receipt(consent, event_id=granted["receipt_id"]) == granted


def test_the_check_as_of_a_time_answers_from_the_events(sharing):
    purpose, insurer = sharing
    subject = make_subject()
    first = grant(subject, purpose, now=NOW - timedelta(days=10))
    _widen(purpose, days_ahead=30, recipients=[insurer, make_recipient("Korea Life")])
    announce_on_time(purpose.code)
    services.consent_withdraw(actor=STAFF, consent_id=first.pk, channel="branch", now=NOW + timedelta(days=1))
    ref, code = subject.external_ref, purpose.code

    def at(delta):
        return consent_check_as_of(subject_ref=ref, purpose_code=code, at=NOW + delta)

    assert at(-timedelta(days=11)).reason == "no_consent"
    then = at(-timedelta(days=5))
    assert (then.allowed, then.consent, then.notice_version) == (True, first.pk, "v1")
    assert at(timedelta(days=2)).reason == "withdrawn"
    renewed = grant(subject, purpose, now=NOW + timedelta(days=31))
    later = at(timedelta(days=32))
    assert (later.allowed, later.consent, later.notice_version) == (True, renewed.pk, renewed.notice.version)
    # Still answered as it stood then, after the customer consented again.
    assert at(-timedelta(days=5)).consent == first.pk


def test_the_check_as_of_in_the_api(as_user, client_user, sharing):
    purpose, _insurer = sharing
    subject = make_subject()
    consent = grant(subject, purpose, now=timezone.now() - timedelta(days=3))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    api = as_user(client_user)
    url = "/api/v1/consent-check/"
    params = {"subject": subject.external_ref, "purpose": purpose.code}
    assert api.get(url, params).json()["reason"] == "withdrawn"
    then = api.get(url, {**params, "at": (timezone.now() - timedelta(days=1)).isoformat()})
    assert then.status_code == 200
    assert (then.json()["allowed"], then.json()["consent"], then.json()["notice_version"]) == (
        True,
        str(consent.pk),
        "v1",
    )
    assert api.get(url, {**params, "at": "3 February"}).status_code == 400
    assert api.get(url, {**params, "at": (timezone.now() + timedelta(days=1)).isoformat()}).status_code == 400
