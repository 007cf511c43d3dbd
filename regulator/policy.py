"""The regulator's rows of the one deadline policy (`core.models.DeadlinePolicy`), built like
`deadlines.defaults.POLICIES`, written by the regulator's migration and again after a flush.

* `breach_notification`: notify the authority (A05) within 72 hours, with no extension: from the
  detection under Law 91/2025/QH15 Art. 23, from the violation itself under Decree 13/2023 Art. 23
  ("chậm nhất 72 giờ sau khi xảy ra hành vi vi phạm"), so Decree 13's row starts its clock when the
  breach occurred (`ClockStart.OCCURRED`) and applies to violations up to 2025-12-31. The bank's own
  commitment runs from the detection.
* `impact_assessment`: file the processing or cross-border transfer impact assessment within 60
  days of starting the processing or transfer (Law 91 Arts. 20 and 21; Decree 13 Arts. 24 and 25).
"""

from __future__ import annotations

from deadlines.defaults import (
    BANK_POLICY,
    DECREE_13,
    LAW_91,
    PolicyRow,
    decree13_row,
    law91_row,
    policy_rows_add,
)
from deadlines.models import ClockStart, DeadlineType

BREACH_NOTIFICATION = DeadlineType.BREACH_NOTIFICATION.value
IMPACT_ASSESSMENT = DeadlineType.IMPACT_ASSESSMENT.value
REQUEST_TYPES = (BREACH_NOTIFICATION, IMPACT_ASSESSMENT)


def _filing_rows(
    request_type: str,
    period: int,
    unit: str,
    *,
    law91_article: str,
    decree13_article: str,
    decree13_clock_start: str = ClockStart.RECEIVED,
) -> list[PolicyRow]:
    """One filing's rows: the same period under each regime, with no extension or acknowledgement."""
    return [
        # §10 of the bank's policy covers breaches and impact assessments (§15 is another subject).
        PolicyRow("bank", request_type, period, unit, f"Mục 10 {BANK_POLICY}"),
        law91_row(request_type, period, unit, legal_reference=f"{law91_article} {LAW_91}"),
        decree13_row(
            request_type,
            period,
            unit,
            legal_reference=f"{decree13_article} {DECREE_13}",
            clock_start=str(decree13_clock_start),
        ),
    ]


POLICIES = [
    *_filing_rows(
        BREACH_NOTIFICATION,
        72,
        "hours",
        law91_article="Điều 23",
        decree13_article="Điều 23",
        decree13_clock_start=ClockStart.OCCURRED,
    ),
    *_filing_rows(IMPACT_ASSESSMENT, 60, "days", law91_article="Điều 20–21", decree13_article="Điều 24–25"),
]


def seed_regulator_policies(policy_model) -> None:
    """Add the regulator's rows unless that request type already has rows (someone may have edited them)."""

    present = set(
        policy_model.objects.filter(request_type__in=REQUEST_TYPES).values_list("request_type", flat=True)
    )
    policy_rows_add(policy_model, [row for row in POLICIES if row.request_type not in present])
