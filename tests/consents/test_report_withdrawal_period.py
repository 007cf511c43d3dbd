"""The consent report tells how soon recipients had to confirm a stop: the withdrawal period in force
during the month reported (`deadlines.history`), not today's; a month the DPO changed it in says both."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from deadlines.models import DeadlinePolicy, DeadlineRegime
from deadlines.wording import binding_period_named
from dsr.services.policy import deadline_policy_update
from tests.consents.factories import STAFF

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _withdrawal_period_edited(*, hours: int, on: datetime) -> None:
    row = DeadlinePolicy.objects.get(request_type="withdraw", regime=DeadlineRegime.BANK)
    changes = {"period": hours, "processor_period": hours}
    deadline_policy_update(actor=STAFF, policy_id=row.pk, changes=changes, now=on)


def _recipients_paragraph(client, language="en", **query) -> str:
    with translation.override(language):  # Vietnamese pages unprefixed, English under /en/
        url = reverse("consents:report")
    page = client.get(url, query).content.decode()
    return html.unescape(page.split("<h2>")[-1].split("</p>")[0])


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_past_month_quotes_the_period_then_in_force(dpo, logged_in, language):
    with translation.override(language):
        before = binding_period_named("withdraw", processor_involved=True)
    _withdrawal_period_edited(hours=12, on=datetime(2026, 4, 10, 9, tzinfo=VN))
    with translation.override(language):
        after = binding_period_named("withdraw", processor_involved=True)
    client = logged_in(dpo)

    march = _recipients_paragraph(client, language, month="2026-03")
    april = _recipients_paragraph(client, language, month="2026-04")

    assert before != after
    assert before in march and after not in march
    assert before in april and after in april


def test_a_years_report_quotes_every_period_of_the_year(dpo, logged_in):
    with translation.override("en"):
        before = binding_period_named("withdraw", processor_involved=True)
    _withdrawal_period_edited(hours=12, on=datetime(2025, 6, 10, 9, tzinfo=VN))
    with translation.override("en"):
        after = binding_period_named("withdraw", processor_involved=True)
    client = logged_in(dpo)

    year = _recipients_paragraph(client, year="2025")

    assert before in year and after in year


def test_a_period_changed_and_changed_back_within_the_month_is_quoted_in_each_turn(dpo, logged_in):
    with translation.override("en"):
        first = binding_period_named("withdraw", processor_involved=True)
    original_hours = DeadlinePolicy.objects.get(request_type="withdraw", regime=DeadlineRegime.BANK).period
    _withdrawal_period_edited(hours=12, on=datetime(2026, 4, 10, 9, tzinfo=VN))
    with translation.override("en"):
        shorter = binding_period_named("withdraw", processor_involved=True)
    _withdrawal_period_edited(hours=original_hours, on=datetime(2026, 4, 20, 9, tzinfo=VN))
    client = logged_in(dpo)

    april = _recipients_paragraph(client, month="2026-04")

    assert f"{first}, then {shorter}, then {first}" in april
