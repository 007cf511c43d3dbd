"""Form 08 cites the law that applies to the breach: Decree 13 for a violation up to 31/12/2025
detected then, Law 91 and Decree 356 from 2026, both for a 2025 violation detected in 2026."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from regulator.documents import form08
from tests.regulator.factories import make_breach, make_inventory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("occurred", "detected", "cited", "not_cited"),
    [
        (
            datetime(2025, 12, 20, 10, tzinfo=VN),
            datetime(2025, 12, 21, 10, tzinfo=VN),
            ["Decree 13/2023"],
            ["Law 91", "Decree 356"],
        ),
        (
            datetime(2026, 3, 1, 10, tzinfo=VN),
            datetime(2026, 3, 2, 10, tzinfo=VN),
            ["Law 91", "Decree 356"],
            ["Decree 13"],
        ),
        (
            datetime(2025, 12, 31, 20, tzinfo=VN),
            datetime(2026, 1, 1, 8, tzinfo=VN),
            ["Decree 13/2023", "Law 91", "Decree 356"],
            [],
        ),
    ],
)
def test_form_08_cites_the_regime_that_applies(occurred, detected, cited, not_cited):
    make_inventory()
    breach = make_breach(occurred_at=occurred, detected_at=detected, now=detected)
    law = form08(breach, earlier_phases=[], phase=1, kind="initial", submitted_at=detected, late=False)[
        "legal_basis"
    ]
    assert all(name in law for name in cited), law
    assert not any(name in law for name in not_cited), law
