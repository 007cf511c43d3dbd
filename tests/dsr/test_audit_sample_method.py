"""The sample's stated method, followed outside the platform, gives the same population fingerprint and
the same records: keys in the stated order (the moment, then the id, records at the same moment
included), '\\n'-joined, SHA-256; positions from random.Random(seed). Same on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from dsr.selectors.samples import audit_sample
from tests.consents.factories import consents_in_bulk, make_purpose
from tests.factories import subjects_in_bulk

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_stated_method_repeated_by_hand_gives_the_same_fingerprint_and_records():
    same_moment = datetime(2026, 1, 1, 0, 0, tzinfo=HCM)  # the local midnight that opens the period
    moments = [same_moment] * 6 + [datetime(2026, 1, 31, 23, 59, tzinfo=HCM)] * 3
    rows = [{"subject": who, "granted_at": at} for who, at in zip(subjects_in_bulk(9), moments, strict=True)]
    consents = consents_in_bulk(make_purpose(), rows)

    sample = audit_sample(population="consents", since=date(2026, 1, 1), until=date(2026, 2, 1), size=4,
                          seed="kiểm-toán")

    by_hand = [str(c.pk) for c in sorted(consents, key=lambda c: (c.granted_at, str(c.pk)))]
    assert sample["population_count"] == 9
    assert sample["population_sha256"] == hashlib.sha256("\n".join(by_hand).encode()).hexdigest()
    positions = random.Random("kiểm-toán").sample(range(9), 4)  # noqa: S311
    assert [item["id"] for item in sample["items"]] == [by_hand[p] for p in positions]
