"""Whether a representative's authority covers an act is judged at the act's own moment, on its Vietnam-local
day: a withdrawal asked at 23:30 on the authority's last day is in force, one at 00:30 the next day is not;
an act said before the authority was revoked stays valid when recorded after the revocation, one said after
it is refused."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents.models import ConsentStatus
from consents.services import consent_withdraw
from core.actors import actor_for_user
from core.errors import InvalidInput
from subjects.models import DataSubject
from subjects.representatives import representative_revoke
from tests.consents.factories import grant, make_purpose
from tests.factories import make_representative, make_subject

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _withdraw(officer, consent, son, *, now, answered_at=None):
    return consent_withdraw(actor=actor_for_user(officer), consent_id=consent.pk, channel="branch",
                            evidence="form 7", asked_by="representative", representative_id=son.pk,
                            now=now, answered_at=answered_at)


def test_a_withdrawal_at_2330_on_the_authoritys_last_day_is_in_force_and_at_0030_the_next_is_not(officer):
    mother = make_subject()
    last_day = datetime.now(tz=HANOI).date() - timedelta(days=2)
    given = datetime.combine(last_day - timedelta(days=1), time(9), tzinfo=HANOI)
    granted = grant(mother, make_purpose("marketing", category="marketing"), now=given)
    other = grant(mother, make_purpose("offers", category="marketing"), now=given)
    son = make_representative(mother, valid_until=last_day)
    late = _withdraw(officer, granted, son, now=datetime.combine(last_day, time(23, 30), tzinfo=HANOI))
    assert late.status == ConsentStatus.WITHDRAWN
    with pytest.raises(InvalidInput) as refused:
        _withdraw(officer, other, son,
                  now=datetime.combine(last_day + timedelta(days=1), time(0, 30), tzinfo=HANOI))
    assert refused.value.field == "representative"


def test_a_withdrawal_said_before_the_revocation_and_recorded_after_it_stays_valid(officer):
    mother = make_subject()
    now = datetime.now(tz=HANOI)
    # An answer said offline cannot predate the customer's registration: she has been one for a week.
    DataSubject.objects.filter(pk=mother.pk).update(created_at=now - timedelta(days=7))
    said_before = grant(mother, make_purpose("marketing", category="marketing"), now=now - timedelta(hours=5))
    said_after = grant(mother, make_purpose("offers", category="marketing"), now=now - timedelta(hours=5))
    son = make_representative(mother)
    representative_revoke(actor=actor_for_user(officer), subject_id=mother.pk, representative_id=son.pk,
                          reason="Revoked by the customer.", now=now - timedelta(hours=1))
    kept = _withdraw(officer, said_before, son, now=now, answered_at=now - timedelta(hours=2))
    assert kept.status == ConsentStatus.WITHDRAWN
    with pytest.raises(InvalidInput) as refused:
        _withdraw(officer, said_after, son, now=now, answered_at=now - timedelta(minutes=30))
    assert refused.value.field == "representative"
