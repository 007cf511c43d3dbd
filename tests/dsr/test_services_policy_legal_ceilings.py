"""A foreign regime's row cannot promise more time than that law gives: GDPR Art. 12(3) one month,
extended by at most two further months; PBOC 15 days for a complaint, 60 at most with the extension.
A row typed longer (an extension of 60 days on PBOC's 15) would time requests by a date an inspector
of that regime holds late, and the platform would never remind or breach before it."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.errors import InvalidInput
from deadlines.models import DeadlinePolicy
from dsr.services import policy as policy_services
from tests.dsr.factories import STAFF

pytestmark = pytest.mark.django_db


def _update(regime: str, request_type: str, **changes):
    row = DeadlinePolicy.objects.get(regime=regime, request_type=request_type)
    return policy_services.deadline_policy_update(actor=STAFF, policy_id=row.pk, changes=changes)


@pytest.mark.parametrize(
    ("regime", "request_type", "changes", "field"),
    [
        ("cn_pipl", "complaint", {"extension_period": 60}, "extension_period"),
        ("cn_pipl", "complaint", {"period": 20}, "period"),
        ("eu_gdpr", "access", {"extension_period": 3}, "extension_period"),
        ("eu_gdpr", "delete", {"processor_period": 2}, "processor_period"),
        ("eu_gdpr", "access", {"unit": "days", "period": 31, "extension_period": 10}, "period"),
        ("eu_gdpr", "access", {"unit": "days", "period": 28, "extension_period": 62}, "extension_period"),
    ],
)
def test_a_foreign_row_longer_than_its_law_is_refused(regime, request_type, changes, field):
    before = DeadlinePolicy.objects.get(regime=regime, request_type=request_type)
    with pytest.raises(InvalidInput) as refused:
        _update(regime, request_type, **changes)
    assert refused.value.field == field
    after = DeadlinePolicy.objects.get(pk=before.pk)
    assert (after.period, after.extension_period, after.unit) == (
        before.period, before.extension_period, before.unit
    )


@pytest.mark.parametrize(
    ("regime", "request_type", "changes"),
    [
        ("cn_pipl", "complaint", {"period": 10, "extension_period": 50}),
        ("eu_gdpr", "access", {"unit": "days", "period": 28, "extension_period": 61}),
        ("eu_gdpr", "access", {"extension_period": 1}),
    ],
)
def test_a_foreign_row_within_its_law_is_saved(regime, request_type, changes):
    row = _update(regime, request_type, **changes)
    assert all(getattr(row, name) == value for name, value in changes.items())


def test_pipl_sets_no_day_count_so_only_pbocs_complaint_row_is_capped():
    """PIPL answers requests "timely" (Art. 50) without a day count; PBOC's 15 days (60 at most) are
    for complaints. A PIPL access row of 30 days, 90 with the extension, is the bank's reading of
    "timely", not a breach of a ceiling."""
    access = DeadlinePolicy.objects.create(regime="cn_pipl", request_type="access", period=15, unit="days",
                                           active=False)
    row = policy_services.deadline_policy_update(
        actor=STAFF, policy_id=access.pk, changes={"period": 30, "extension_period": 60}
    )
    assert (row.period, row.extension_period) == (30, 60)
    with pytest.raises(InvalidInput):
        _update("cn_pipl", "complaint", period=30)


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_gdpr_month_typed_as_thirty_days_is_told_why_and_to_count_in_months(language):
    with pytest.raises(InvalidInput) as refused:
        _update("eu_gdpr", "access", unit="days", period=30)
    with translation.override(language):
        text = refused.value.text
    expected = {
        "en": ("European Union", "shortest month", "count this period in months"),
        "vi": ("Liên minh châu Âu", "tháng ngắn nhất", "tính thời hạn này theo tháng"),
    }[language]
    assert all(words in text for words in expected), text
