"""A purpose's category is part of its scope: a move into or out of marketing changes what the
consent means (consent only, separately withdrawable, never a child's data), so it is a widening, 30
days ahead, announced, with re-consent from its date; another move is a new version too."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents import services
from consents.models import NoticeAnnouncement
from consents.selectors import consent_check, consent_check_bulk
from core.errors import Conflict, InvalidInput
from tests.consents.factories import SYSTEM, announce_on_time, child_of, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _move(code: str, category: str, *, days_ahead: int | None):
    return services.purpose_update(
        actor=SYSTEM,
        code=code,
        changes={"category": category},
        effective_at=NOW + timedelta(days=days_ahead) if days_ahead is not None else None,
        now=NOW,
    )


def test_moving_a_purpose_into_marketing_is_a_widening_announced_30_days_ahead():
    purpose = make_purpose("offers", category="service", effective_at=NOW - timedelta(days=60))
    subject = make_subject()
    consent = grant(subject, purpose, now=NOW - timedelta(days=1))
    with pytest.raises(InvalidInput) as early:
        _move("offers", "marketing", days_ahead=None)
    assert early.value.field == "effective_at"

    _move("offers", "marketing", days_ahead=30)

    version = purpose.notices.latest("effective_at")
    assert version.material and version.scope["category"] == "marketing"
    assert NoticeAnnouncement.objects.get(notice=version).significant
    purpose.refresh_from_db()
    assert purpose.category == "service"
    announce_on_time("offers")

    def check(at):
        answer = consent_check(subject_ref=subject.external_ref, purpose_code="offers", now=at)
        return answer.allowed, answer.reason, answer.consent

    assert check(NOW + timedelta(days=29)) == (True, "granted", consent.pk)
    assert check(NOW + timedelta(days=30, minutes=1)) == (False, "reconsent_required", consent.pk)
    services.purpose_versions_apply_due(now=NOW + timedelta(days=30, minutes=1))
    purpose.refresh_from_db()
    assert purpose.category == "marketing"


def test_moving_a_purpose_out_of_marketing_keeps_children_out_until_its_date():
    make_purpose("promo", category="marketing", effective_at=NOW - timedelta(days=60))
    with pytest.raises(InvalidInput):
        _move("promo", "support", days_ahead=7)
    purpose = _move("promo", "support", days_ahead=30)
    guardian = make_subject()
    child = child_of(guardian, age=10)
    with pytest.raises(Conflict) as barred:
        grant(subject=child, purpose=purpose, guardian=guardian, child_agreed=True, child_evidence="sig-1",
              notice_version="v1", now=NOW)
    assert barred.value.code == "child_marketing"


def test_a_move_between_other_categories_is_a_new_version_that_may_take_effect_at_once():
    purpose = make_purpose("svc", category="service", effective_at=NOW - timedelta(days=60))
    subject = make_subject()
    consent = grant(subject, purpose, now=NOW - timedelta(days=1))
    _move("svc", "support", days_ahead=None)
    purpose.refresh_from_db()
    version = purpose.notices.latest("effective_at")
    assert (purpose.category, version.scope["category"], version.material) == ("support", "support", False)
    answer = consent_check(subject_ref=subject.external_ref, purpose_code="svc", now=NOW + timedelta(days=1))
    assert (answer.allowed, answer.reason, answer.consent) == (True, "granted", consent.pk)


def test_in_the_window_after_a_move_into_marketing_the_campaign_check_bars_a_child_as_the_live_one():
    """After the version moving a purpose into marketing takes effect, before the job copies it onto the
    purpose row, the campaign check reads the category in force, as the live check does."""
    make_purpose("offers", category="service", effective_at=NOW - timedelta(days=60))
    child = child_of(make_subject(), age=10)
    _move("offers", "marketing", days_ahead=30)
    announce_on_time("offers")
    window = NOW + timedelta(days=30, minutes=1)
    live = consent_check(subject_ref=child.external_ref, purpose_code="offers", now=window)
    campaign = consent_check_bulk(purpose_code="offers", subject_refs=[child.external_ref], now=window)
    assert (live.allowed, live.reason) == (False, "child")
    assert (campaign[child.external_ref].allowed, campaign[child.external_ref].reason) == (False, "child")
