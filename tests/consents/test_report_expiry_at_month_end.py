"""A consent whose term ends late on the last evening of a month, its expiry recorded by the hourly sweep
just after local midnight: the expiry happened at the end of the term, so it is that month's, as the
"in force at the end" figure already says; the event, the consent's end and the stop its recipients were
sent are dated then, while the audit entry still says when the sweep wrote it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from consents import services
from consents.models import ConsentEvent, ConsentStatus
from consents.selectors.report import consent_report_month
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TERM_ENDS = datetime(2027, 1, 31, 23, 30, tzinfo=VN)
SWEPT = datetime(2027, 2, 1, 0, 25, tzinfo=VN)


def _totals(report) -> dict[str, int]:
    return {name: report["totals"][name] for name in ("granted", "expired", "in_force_at_end")}


@pytest.fixture
def expired_after_midnight():
    partner = make_recipient("Bảo hiểm Đối tác")
    purpose = make_purpose("share", category="sharing", recipients=[partner],
                           effective_at=datetime(2026, 10, 1, tzinfo=VN))
    consent = grant(make_subject(), purpose, now=datetime(2027, 1, 10, 9, 0, tzinfo=VN), expires_at=TERM_ENDS)
    # The hourly sweep: 23:25 finds nothing, 00:25 records the expiry.
    assert services.consents_expire_due(now=datetime(2027, 1, 31, 23, 25, tzinfo=VN)) == 0
    assert services.consents_expire_due(now=SWEPT) == 1
    consent.refresh_from_db()
    return consent


def test_an_expiry_at_2330_on_31_january_counts_in_january(expired_after_midnight):
    after = datetime(2027, 3, 5, 9, 0, tzinfo=VN)
    january = consent_report_month(date(2027, 1, 1), now=after)
    february = consent_report_month(date(2027, 2, 1), now=after)
    # January balances: granted 1, expired 1, nothing in force at its end; February had nothing to expire.
    assert _totals(january) == {"granted": 1, "expired": 1, "in_force_at_end": 0}
    assert _totals(february) == {"granted": 0, "expired": 0, "in_force_at_end": 0}
    # The stop the expiry sent is January's too.
    assert [(row["cause"], row["sent"]) for row in january["recipients"]] == [("expired", 1)]
    assert february["recipients"] == []


def test_the_expiry_is_dated_at_the_end_of_the_term_and_audited_when_recorded(expired_after_midnight):
    consent = expired_after_midnight
    assert consent.status == ConsentStatus.EXPIRED
    assert consent.ended_at == TERM_ENDS
    event = ConsentEvent.objects.get(consent=consent, kind=ConsentStatus.EXPIRED)
    assert event.at == TERM_ENDS
    entry = AuditEntry.objects.get(action="consents.consent.expired", target_id=str(consent.pk))
    assert entry.recorded_at == SWEPT
    assert datetime.fromisoformat(entry.data["effective_at"]) == TERM_ENDS


def test_read_before_the_sweep_recorded_it_the_expiry_is_januarys_already():
    # The DPO opens January's report at 00:10 on 1 February: the term is over, the sweep not yet run.
    purpose = make_purpose("share", category="sharing", effective_at=datetime(2026, 10, 1, tzinfo=VN))
    grant(make_subject(), purpose, now=datetime(2027, 1, 10, 9, 0, tzinfo=VN), expires_at=TERM_ENDS)
    before_the_sweep = datetime(2027, 2, 1, 0, 10, tzinfo=VN)

    january = consent_report_month(date(2027, 1, 1), now=before_the_sweep)

    assert _totals(january) == {"granted": 1, "expired": 1, "in_force_at_end": 0}
    assert january["by_purpose"][0]["channels"][0]["expired"] == 1
    services.consents_expire_due(now=SWEPT)
    assert _totals(consent_report_month(date(2027, 1, 1), now=SWEPT)) == _totals(january)
