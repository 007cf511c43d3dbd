"""The regulator's rows of the one deadline policy (`core.models.DeadlinePolicy`), in the layout of
`core.deadline_defaults.POLICIES`, written by migration 0002 and again after a flush.

* `breach_notification`: notify the authority (A05) within 72 hours of detecting a breach, with no
  extension (Law 91/2025/QH15 Art. 23; Decree 13/2023 Art. 23 counted from the violation, which the
  platform takes as the detection time, the earliest moment the bank can know it).
* `impact_assessment`: file the processing or cross-border transfer impact assessment within 60
  days of starting the processing or transfer (Law 91 Arts. 20 and 21; Decree 13 Arts. 24 and 25).
"""

from __future__ import annotations

from datetime import date

from deadlines.defaults import DECREE_13, LAW_91, policy_rows_add
from deadlines.models import DeadlineType

BREACH_NOTIFICATION = DeadlineType.BREACH_NOTIFICATION.value
IMPACT_ASSESSMENT = DeadlineType.IMPACT_ASSESSMENT.value
REQUEST_TYPES = (BREACH_NOTIFICATION, IMPACT_ASSESSMENT)

_LAW_91_START = date(2026, 1, 1)
_DECREE_13_END = date(2025, 12, 31)

# regime, type, period, unit, processor_period, extension, ack period, ack unit, from, to, active, reference
POLICIES = [
    (
        "bank",
        BREACH_NOTIFICATION,
        72,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        None,
        True,
        # §10 of the bank's policy covers breaches (§15 is another subject).
        "Bank personal-data policy §10",
    ),
    (
        "vn_law91",
        BREACH_NOTIFICATION,
        72,
        "hours",
        None,
        None,
        None,
        "working_days",
        _LAW_91_START,
        None,
        True,
        LAW_91 + " Art. 23",
    ),
    (
        "vn_decree13",
        BREACH_NOTIFICATION,
        72,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        _DECREE_13_END,
        True,
        DECREE_13 + " Art. 23",
    ),
    (
        "bank",
        IMPACT_ASSESSMENT,
        60,
        "days",
        None,
        None,
        None,
        "working_days",
        None,
        None,
        True,
        "Bank personal-data policy §10",
    ),
    (
        "vn_law91",
        IMPACT_ASSESSMENT,
        60,
        "days",
        None,
        None,
        None,
        "working_days",
        _LAW_91_START,
        None,
        True,
        LAW_91 + " Arts. 20-21",
    ),
    (
        "vn_decree13",
        IMPACT_ASSESSMENT,
        60,
        "days",
        None,
        None,
        None,
        "working_days",
        None,
        _DECREE_13_END,
        True,
        DECREE_13 + " Arts. 24-25",
    ),
]


def seed_regulator_policies(policy_model) -> None:
    """Add the regulator's rows unless that request type already has rows (someone may have edited them)."""

    present = set(
        policy_model.objects.filter(request_type__in=REQUEST_TYPES).values_list("request_type", flat=True)
    )
    policy_rows_add(policy_model, [row for row in POLICIES if row[1] not in present])
