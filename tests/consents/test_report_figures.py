"""The consent report's figures on a month whose answers are known: grants, refusals, withdrawals
(of every consent the customer had, or of some), expiries and consents in force, by purpose and channel;
and the recipients' stops after the month's withdrawals, on time, late or still open. Events are
placed by local (Asia/Ho_Chi_Minh) time, the month running from one local midnight to the next."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from consents import services
from consents.models import WithdrawalDuty
from consents.selectors.report import consent_report, consent_report_month
from consents.services.duties import duties_open_for_rectification
from tests.consents.factories import APP, STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = date(2026, 3, 1)
AFTER_MARCH = datetime(2026, 4, 20, 9, 0, tzinfo=VN)


def local(*parts):
    return datetime(*parts, tzinfo=VN)


def _duty(consent, recipient):
    return WithdrawalDuty.objects.stops().get(consent=consent, recipient=recipient)


def _acknowledge(duty, at):
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="stopped", now=at)


@pytest.fixture
def march():
    """March 2026 with its boundaries crossed both ways (see each line)."""
    insurer, printer = make_recipient("Bảo hiểm Đối tác"), make_recipient("In thẻ", kind="processor")
    effective = local(2026, 1, 1)
    marketing = make_purpose(
        "marketing", category="marketing", recipients=[insurer, printer], effective_at=effective,
        name_vi="Tiếp thị sản phẩm", name_en="Product marketing",
    )
    analytics = make_purpose(
        "analytics", category="analytics", effective_at=effective,
        name_vi="Phân tích hành vi", name_en="Behaviour analytics",
    )
    a, b, c, d, e, f = (make_subject() for _ in range(6))
    # A: marketing a minute before local midnight (February), analytics at local midnight (March:
    # still 28 February in UTC); withdraws marketing alone (partial, analytics stays), grants it again.
    grant(a, marketing, now=local(2026, 2, 28, 23, 59))
    grant(a, analytics, channel="mobile_app", now=local(2026, 3, 1, 0, 0))
    a_marketing = a.consents.get(purpose=marketing)
    services.consent_withdraw(actor=APP, consent_id=a_marketing.pk, channel="mobile_app",
                              now=local(2026, 3, 5, 10, 0))
    _acknowledge(_duty(a_marketing, insurer), local(2026, 3, 6, 10, 0))  # on time
    _acknowledge(_duty(a_marketing, printer), local(2026, 3, 10, 10, 0))  # late
    grant(a, marketing, channel="internet_banking", now=local(2026, 3, 20, 9, 0))  # re-grant
    # B: both purposes, then every consent withdrawn at once a minute before April (whole, twice).
    b_marketing = grant(b, marketing, channel="call_centre", now=local(2026, 3, 2, 9, 0))
    grant(b, analytics, channel="mobile_app", now=local(2026, 3, 2, 9, 5))
    services.consents_withdraw_for_subject(actor=STAFF, subject=b, channel="branch",
                                           now=local(2026, 3, 31, 23, 59))
    # C: marketing only, withdrawn (whole); its stops still open at the month's end, and overdue.
    c_marketing = grant(c, marketing, now=local(2026, 3, 3, 9, 0))
    services.consent_withdraw(actor=STAFF, consent_id=c_marketing.pk, channel="branch",
                              now=local(2026, 3, 10, 9, 0))
    # Acknowledged in April: the month's figures keep the stop open and overdue, as it stood then.
    _acknowledge(_duty(c_marketing, insurer), local(2026, 4, 2, 9, 0))
    # D: says no to analytics on a paper form.
    services.consent_refuse(
        actor=STAFF,
        request=services.GrantRequest(subject=d, purpose=analytics, notice_version="v1",
                                      channel="paper_form", evidence="FORM-0042"),
        now=local(2026, 3, 15, 9, 0),
    )
    # E: a consent that runs out on 25 March, swept the next morning (the event has no channel).
    grant(e, marketing, now=local(2026, 3, 4, 9, 0), expires_at=local(2026, 3, 25, 0, 0))
    services.consents_expire_due(now=local(2026, 3, 26, 8, 0))
    # F: granted at April's first local midnight: in no March figure.
    grant(f, marketing, now=local(2026, 4, 1, 0, 0))
    # A correction told to the insurer in March: a notice to correct, not a stop.
    duties_open_for_rectification(
        actor=STAFF, subject=a, changed=frozenset({"phone"}), before={"phone": "0900000000"},
        now=local(2026, 3, 21, 9, 0),
    )
    assert WithdrawalDuty.objects.filter(kind=WithdrawalDuty.Kind.RECTIFICATION).exists()
    return {"marketing": marketing, "analytics": analytics, "insurer": insurer, "printer": printer,
            "b_marketing": b_marketing}


def _figures(row):
    return {k: row[k] for k in ("granted", "refused", "withdrawn_whole", "withdrawn_partial", "expired",
                                "in_force_at_end")}


def _by_purpose(report):
    return {
        row["purpose"]: {channel["channel"]: _figures(channel) for channel in row["channels"]}
        for row in report["by_purpose"]
    }


def _figures_of(**counts):
    base = dict.fromkeys(("granted", "refused", "withdrawn_whole", "withdrawn_partial", "expired",
                          "in_force_at_end"), 0)
    return {**base, **counts}


def test_march_by_purpose_and_channel(march):
    report = consent_report_month(MARCH, now=AFTER_MARCH)

    assert _by_purpose(report) == {
        "marketing": {
            "branch": _figures_of(granted=2, withdrawn_whole=2, expired=1),  # C and E; B and C; E
            "call_centre": _figures_of(granted=1),
            "internet_banking": _figures_of(granted=1, in_force_at_end=1),  # A's re-grant
            "mobile_app": _figures_of(withdrawn_partial=1),  # A kept analytics
        },
        "analytics": {
            "branch": _figures_of(withdrawn_whole=1),  # B's, at the same moment as marketing
            "mobile_app": _figures_of(granted=2, in_force_at_end=1),  # A's at local midnight, and B's
            "paper_form": _figures_of(refused=1),
        },
    }
    marketing = next(row for row in report["by_purpose"] if row["purpose"] == "marketing")
    assert _figures(marketing) == _figures_of(granted=4, withdrawn_whole=2, withdrawn_partial=1, expired=1,
                                              in_force_at_end=1)
    assert marketing["withdrawn"] == 3
    assert _figures(report["totals"]) == _figures_of(granted=6, refused=1, withdrawn_whole=3,
                                                     withdrawn_partial=1, expired=1, in_force_at_end=2)
    assert report["period"]["since"] == local(2026, 3, 1) and report["period"]["until"] == local(2026, 4, 1)


def test_march_stops_by_recipient(march):
    report = consent_report_month(MARCH, now=AFTER_MARCH)

    stops = {(row["label"], row["cause"]): {k: row[k] for k in ("sent", "acknowledged_on_time",
                                                                 "acknowledged_late", "open", "open_overdue")}
             for row in report["recipients"]}
    # A's (one on time, one late), C's (open and overdue at the month's end, whatever April did),
    # B's a minute before April (open, not yet due); the correction notice is not a stop. E's expiry on
    # 25 March told both to stop by the 28th: rows of their own, open and overdue.
    expired = {"sent": 1, "acknowledged_on_time": 0, "acknowledged_late": 0, "open": 1, "open_overdue": 1}
    assert stops == {
        ("Bảo hiểm Đối tác", "withdrawn"): {"sent": 3, "acknowledged_on_time": 1, "acknowledged_late": 0,
                                            "open": 2, "open_overdue": 1},
        ("Bảo hiểm Đối tác", "expired"): expired,
        ("In thẻ", "withdrawn"): {"sent": 3, "acknowledged_on_time": 0, "acknowledged_late": 1, "open": 2,
                                  "open_overdue": 1},
        ("In thẻ", "expired"): expired,
    }
    assert report["recipient_totals"]["sent"] == 8 and report["recipient_totals"]["open_overdue"] == 4


def test_neighbouring_months_keep_their_own_events(march):
    february = consent_report_month(date(2026, 2, 1), now=AFTER_MARCH)
    april = consent_report_month(date(2026, 4, 1), now=AFTER_MARCH)

    assert _figures(february["totals"]) == _figures_of(granted=1, in_force_at_end=1)  # A's marketing
    # F's grant at April's first midnight; A's analytics and marketing still in force, with F's.
    assert _figures(april["totals"]) == _figures_of(granted=1, in_force_at_end=3)
    assert february["recipients"] == [] and april["recipients"] == []


def test_the_month_in_progress_counts_to_now(march):
    """On 20 March at noon: E's consent has not run out yet and B has not withdrawn; the stops of C's
    withdrawal are overdue, A's were acknowledged (the report answers from the times the rows keep)."""
    report = consent_report(since=local(2026, 3, 1), until=local(2026, 4, 1), now=local(2026, 3, 20, 12, 0))

    # In force: A's two (marketing granted again that morning), B's two, E's.
    assert _figures(report["totals"]) == _figures_of(granted=6, refused=1, withdrawn_whole=1,
                                                     withdrawn_partial=1, in_force_at_end=5)
    assert report["as_of"] == local(2026, 3, 20, 12, 0)
    assert report["recipient_totals"]["sent"] == 4 and report["recipient_totals"]["open_overdue"] == 2


def test_purposes_are_named_in_the_readers_language(march):
    with translation.override("vi"):
        report = consent_report_month(MARCH, now=AFTER_MARCH)
    labels = {row["purpose"]: row["label"] for row in report["by_purpose"]}
    assert labels == {"marketing": "Tiếp thị sản phẩm", "analytics": "Phân tích hành vi"}
    channels = {c["channel"]: c["label"] for row in report["by_purpose"] for c in row["channels"]}
    assert (channels["branch"], channels["paper_form"]) == ("Chi nhánh", "Phiếu giấy")
    with translation.override("en"):
        report = consent_report_month(MARCH, now=AFTER_MARCH)
    assert {row["label"] for row in report["by_purpose"]} == {"Product marketing", "Behaviour analytics"}


def test_a_purpose_without_events_still_has_its_row(march):
    make_purpose("cross-border", category="cross_border", effective_at=local(2026, 1, 1))
    report = consent_report_month(MARCH, now=AFTER_MARCH)
    row = next(row for row in report["by_purpose"] if row["purpose"] == "cross-border")
    assert _figures(row) == _figures_of() and row["channels"] == []


def test_query_count_does_not_grow_with_purposes_or_recipients(march, django_assert_max_num_queries):
    # Events, terms run out the sweep has not recorded, in force at the start and at the end, the purposes,
    # the stops.
    with django_assert_max_num_queries(6):
        small = consent_report_month(MARCH, now=AFTER_MARCH)
    more_recipients = [make_recipient(f"Đối tác {n}") for n in range(4)]
    for n in range(4):
        purpose = make_purpose(f"extra-{n}", category="sharing", recipients=more_recipients,
                               effective_at=local(2026, 1, 1))
        consent = grant(make_subject(), purpose, now=local(2026, 3, 7, 9, 0))
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch",
                                  now=local(2026, 3, 8, 9, 0))
    with django_assert_max_num_queries(6):
        large = consent_report_month(MARCH, now=AFTER_MARCH)
    assert len(large["by_purpose"]) == len(small["by_purpose"]) + 4
    assert len(large["recipients"]) == len(small["recipients"]) + 4


def test_a_stop_counts_in_the_month_its_withdrawal_was_made_not_when_the_request_came_in():
    """A withdrawal asked for in a request received on 31 March and carried out on 1 April: its stops run
    from the intake (`received_at`, 31 March) but were sent in April, with the withdrawal the April
    events count. So stops go by the consent's `withdrawn_at`, not the duty's `received_at`: March's
    figures, read after the fact, do not gain a stop that did not exist at its end."""
    insurer = make_recipient("Bảo hiểm Đối tác")
    marketing = make_purpose("marketing", recipients=[insurer], effective_at=local(2026, 1, 1))
    subject = make_subject()
    grant(subject, marketing, now=local(2026, 3, 2, 9, 0))
    services.consents_withdraw_for_subject(actor=STAFF, subject=subject, purposes=[marketing],
                                           channel="branch", now=local(2026, 4, 1, 10, 0),
                                           received_at=local(2026, 3, 31, 16, 0))
    assert _duty(subject.consents.get(), insurer).received_at == local(2026, 3, 31, 16, 0)
    march = consent_report_month(MARCH, now=AFTER_MARCH)
    april = consent_report_month(date(2026, 4, 1), now=AFTER_MARCH)
    assert (march["totals"]["withdrawn"], march["recipient_totals"]["sent"]) == (0, 0)
    assert (april["totals"]["withdrawn"], april["recipient_totals"]["sent"]) == (1, 1)
