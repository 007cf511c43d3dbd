"""The deadline policy: the bank's clock, the statutory clock, working days with Tết, pauses, extensions."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from core.errors import Conflict
from deadlines.defaults import legal_references_rewrite
from deadlines.models import CalendarDay, DeadlinePolicy
from deadlines.policy import WorkingCalendar, deadlines_for, due_at_for

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args):
    return datetime(*args, tzinfo=VN)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=VN)


def test_bank_clock_is_72_hours_for_a_withdrawal():
    received = local(2026, 3, 6, 10, 0)
    assert due_at_for(request_type="withdraw", received_at=received) == received + timedelta(hours=72)


def test_complaint_runs_15_working_days_across_weekends():
    # Friday 6 March 2026: three full working weeks follow.
    deadlines = deadlines_for(request_type="complaint", received_at=local(2026, 3, 6, 10, 0))
    assert deadlines.due_at == end_of(date(2026, 3, 27))
    # Law 91: complaints within 15 calendar days.
    assert deadlines.statutory_due_at == end_of(date(2026, 3, 21))
    assert deadlines.regime == "vn_law91"


def test_working_days_skip_tet():
    # Thursday 12 February 2026; Tết holidays run Monday 16 to Friday 20 February.
    deadlines = deadlines_for(request_type="complaint", received_at=local(2026, 2, 12, 9, 0))
    assert deadlines.due_at == end_of(date(2026, 3, 12))
    # Acknowledgement within 2 working days: Friday 13, then Monday 23 after Tết.
    assert deadlines.acknowledge_by == end_of(date(2026, 2, 23))


def test_make_up_saturday_counts_as_a_working_day():
    calendar = WorkingCalendar.around(date(2025, 4, 24))
    assert calendar.is_working_day(date(2025, 4, 26))
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.add_working_days(date(2025, 4, 24), 5) == date(2025, 5, 5)


def test_statutory_clock_under_law_91_and_acknowledgement():
    deadlines = deadlines_for(request_type="access", received_at=local(2026, 3, 6, 10, 0))
    assert deadlines.statutory_due_at == end_of(date(2026, 3, 16))
    assert deadlines.acknowledge_by == end_of(date(2026, 3, 10))
    assert deadlines.due_at == local(2026, 3, 9, 10, 0)


def test_decree_13_applies_before_2026():
    received = local(2025, 6, 2, 8, 0)
    delete = deadlines_for(request_type="delete", received_at=received)
    assert delete.statutory_due_at == received + timedelta(hours=72)
    assert delete.regime == "vn_decree13"
    access = deadlines_for(request_type="access", received_at=received)
    assert access.statutory_due_at is None
    assert access.acknowledge_by is None


def test_processor_involvement_lengthens_the_statutory_clock():
    received = local(2026, 3, 6, 10, 0)
    plain = deadlines_for(request_type="delete", received_at=received)
    with_processor = deadlines_for(request_type="delete", received_at=received, processor_involved=True)
    assert plain.statutory_due_at == end_of(date(2026, 3, 26))
    assert with_processor.statutory_due_at == end_of(date(2026, 4, 5))


FIVE_HOURS = timedelta(hours=5)


def test_pause_pushes_a_clock_only_where_its_row_allows():
    received = local(2026, 3, 6, 10, 0)
    paused = deadlines_for(request_type="access", received_at=received, paused=timedelta(hours=5))
    assert paused.due_at == received + timedelta(hours=77)
    # Law 91 / Decree 356: an extension, never a pause.
    assert paused.statutory_due_at == end_of(date(2026, 3, 16))
    assert not DeadlinePolicy.objects.filter(regime__in=["vn_law91", "vn_decree13"], pausable=True).exists()
    DeadlinePolicy.objects.filter(regime="bank", request_type="access").update(pausable=False)
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    swapped = deadlines_for(
        request_type="access", received_at=received, paused=FIVE_HOURS, statutory_paused=FIVE_HOURS
    )
    assert swapped.due_at == received + timedelta(hours=72)
    assert swapped.statutory_due_at == end_of(date(2026, 3, 16)) + timedelta(hours=5)


def test_each_clock_moves_by_its_own_paused_time():
    """A pause begun after one clock's deadline credits only the others (`dsr.services.base`)."""
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    received = local(2026, 3, 6, 10, 0)
    moved = deadlines_for(
        request_type="access", received_at=received, paused=FIVE_HOURS, statutory_paused=timedelta(hours=2)
    )
    assert moved.due_at == received + timedelta(hours=77)
    assert moved.statutory_due_at == end_of(date(2026, 3, 16)) + timedelta(hours=2)


def test_a_pause_stops_the_statutory_clock_only_before_its_deadline():
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    received = local(2026, 3, 6, 10, 0)
    law_due = end_of(date(2026, 3, 16))

    def stopped(paused_since):
        return deadlines_for(request_type="access", received_at=received, paused_since=paused_since)

    assert stopped(law_due - timedelta(seconds=1)).statutory_stopped
    assert not stopped(law_due).statutory_stopped
    assert not deadlines_for(request_type="access", received_at=received).statutory_stopped


def test_extension_adds_the_regime_extension_once():
    deadlines = deadlines_for(request_type="access", received_at=local(2026, 3, 6, 10, 0), extended=True)
    assert deadlines.statutory_due_at == end_of(date(2026, 3, 26))
    assert deadlines.extendable


def test_strictest_applicable_takes_the_earliest_active_regime():
    received = local(2026, 3, 6, 10, 0)
    DeadlinePolicy.objects.filter(regime="eu_gdpr", request_type="access").update(active=True)
    assert deadlines_for(request_type="access", received_at=received).regime == "vn_law91"
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(period=40)
    deadlines = deadlines_for(request_type="access", received_at=received)
    assert deadlines.regime == "eu_gdpr"
    assert deadlines.statutory_due_at == end_of(date(2026, 4, 6))


def test_dpo_edits_take_effect_and_the_calendar_is_editable():
    received = local(2026, 3, 6, 10, 0)
    DeadlinePolicy.objects.filter(regime="bank", request_type="complaint").update(period=1)
    assert due_at_for(request_type="complaint", received_at=received) == end_of(date(2026, 3, 9))
    CalendarDay.objects.create(date=date(2026, 3, 9), name="Ngày nghỉ thử")
    assert due_at_for(request_type="complaint", received_at=received) == end_of(date(2026, 3, 10))


def test_a_type_without_any_policy_is_refused_clearly():
    DeadlinePolicy.objects.filter(request_type="complaint").delete()
    with pytest.raises(Conflict):
        deadlines_for(request_type="complaint", received_at=local(2026, 3, 6, 10, 0))


def test_result_is_utc_aware_and_day_boundaries_are_local():
    # 20:00 UTC on 5 March is 03:00 on 6 March in Hà Nội: the local day decides.
    received = datetime(2026, 3, 5, 20, 0, tzinfo=ZoneInfo("UTC"))
    deadlines = deadlines_for(request_type="access", received_at=received)
    assert deadlines.statutory_due_at == end_of(date(2026, 3, 16))
    assert deadlines.statutory_due_at.utcoffset() == timedelta(0)


def test_defaults_come_back_into_empty_tables_but_never_over_edits():
    from deadlines.defaults import seed_deadline_defaults

    DeadlinePolicy.objects.filter(regime="bank", request_type="access").update(period=48)
    seed_deadline_defaults(DeadlinePolicy, CalendarDay)
    assert DeadlinePolicy.objects.get(regime="bank", request_type="access").period == 48
    DeadlinePolicy.objects.all().delete()
    CalendarDay.objects.all().delete()
    seed_deadline_defaults(DeadlinePolicy, CalendarDay)
    assert due_at_for(request_type="withdraw", received_at=local(2026, 3, 6, 10, 0)) == local(
        2026, 3, 9, 10, 0
    )
    assert CalendarDay.objects.filter(date=date(2026, 2, 17), kind="holiday").exists()


def test_a_rewrite_of_seeded_legal_references_leaves_the_dpos_own_and_is_undone_when_unapplied():
    rewrite = legal_references_rewrite(
        {"Decree 13/2023/ND-CP": "Nghị định 13/2023/NĐ-CP"}, request_types=["access"]
    )
    seeded = DeadlinePolicy.objects.get(regime="vn_decree13", request_type="access")
    edited = DeadlinePolicy.objects.get(regime="vn_decree13", request_type="copy")
    other_type = DeadlinePolicy.objects.get(regime="vn_decree13", request_type="complaint")
    DeadlinePolicy.objects.filter(pk__in=[seeded.pk, other_type.pk]).update(
        legal_reference="Decree 13/2023/ND-CP"
    )
    edited.legal_reference = "Decree 13/2023/ND-CP, as the DPO reads it"
    edited.save()

    rewrite.code(apps, None)
    references = dict(
        DeadlinePolicy.objects.filter(regime="vn_decree13").values_list("request_type", "legal_reference")
    )
    assert references["access"] == "Nghị định 13/2023/NĐ-CP"
    assert references["copy"] == "Decree 13/2023/ND-CP, as the DPO reads it"
    assert references["complaint"] == "Decree 13/2023/ND-CP"

    rewrite.reverse_code(apps, None)
    assert DeadlinePolicy.objects.get(pk=seeded.pk).legal_reference == "Decree 13/2023/ND-CP"


def test_the_default_policy_cites_its_laws_in_vietnamese():
    references = dict(
        DeadlinePolicy.objects.filter(request_type="withdraw").values_list("regime", "legal_reference")
    )
    assert references == {
        "bank": "Chính sách bảo vệ dữ liệu cá nhân của ngân hàng",
        "vn_law91": "Luật 91/2025/QH15; Nghị định 356/2025/NĐ-CP",
        "vn_decree13": "Điều 12 Nghị định 13/2023/NĐ-CP",
        "eu_gdpr": "Khoản 3 Điều 12 GDPR",
    }


def test_the_statutory_breach_clock_starts_where_each_row_says():
    """Decree 13 counts a breach's 72 hours from the violation, Law 91 from the detection; the bank's
    own commitment runs from the detection."""
    occurred, detected = local(2025, 12, 20, 10, 0), local(2025, 12, 28, 10, 0)
    clocks = deadlines_for(request_type="breach_notification", received_at=detected, occurred_at=occurred)
    assert (clocks.statutory_due_at, clocks.regime) == (occurred + timedelta(hours=72), "vn_decree13")
    assert clocks.due_at == detected + timedelta(hours=72)
    assert clocks.answer_by == occurred + timedelta(hours=72)
    occurred, detected = local(2026, 3, 1, 22, 0), local(2026, 3, 3, 8, 30)
    clocks = deadlines_for(request_type="breach_notification", received_at=detected, occurred_at=occurred)
    assert (clocks.statutory_due_at, clocks.regime) == (detected + timedelta(hours=72), "vn_law91")


def test_a_row_is_in_force_by_the_day_its_own_clock_starts():
    rows = {
        row.regime: row for row in DeadlinePolicy.objects.filter(request_type="breach_notification")
    }
    assert rows["vn_decree13"].effective_to == date(2025, 12, 31)
    assert rows["vn_law91"].effective_from == date(2026, 1, 1)
    # The violation on Decree 13's last day, the detection on Law 91's first: both clocks run.
    occurred, detected = local(2025, 12, 31, 23, 0), local(2026, 1, 1, 1, 0)
    clocks = deadlines_for(request_type="breach_notification", received_at=detected, occurred_at=occurred)
    assert (clocks.statutory_due_at, clocks.regime) == (occurred + timedelta(hours=72), "vn_decree13")
    # With Decree 13's row off, Law 91's (from the detection) is what is left.
    rows["vn_decree13"].active = False
    rows["vn_decree13"].save(update_fields=["active"])
    clocks = deadlines_for(request_type="breach_notification", received_at=detected, occurred_at=occurred)
    assert (clocks.statutory_due_at, clocks.regime) == (detected + timedelta(hours=72), "vn_law91")
    # Both in 2026: Decree 13 was no longer in force when the violation occurred.
    rows["vn_decree13"].active = True
    rows["vn_decree13"].save(update_fields=["active"])
    occurred = local(2026, 1, 1, 0, 30)
    clocks = deadlines_for(request_type="breach_notification", received_at=detected, occurred_at=occurred)
    assert clocks.regime == "vn_law91"
