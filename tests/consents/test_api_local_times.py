"""Every date-time the API gives is local time with its offset (+07:00), as DRF's DateTimeField writes
a record's fields: the consent check's `checked_at`, a purpose's `version_effective_at` and the deadline
report's `generated_at` and `period` were UTC (`+00:00`, `Z`) beside them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.consents.factories import grant
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _date_times(value):
    if isinstance(value, dict):
        for nested in value.values():
            yield from _date_times(nested)
    elif isinstance(value, list):
        for nested in value:
            yield from _date_times(nested)
    elif isinstance(value, str) and DATE_TIME.match(value):
        yield value


def test_every_date_time_in_these_answers_is_local_with_its_offset(as_user, client_user, dpo, catalogue):
    subject = make_subject()
    grant(subject, catalogue["marketing"], channel="mobile_app", evidence="")
    api, reader = as_user(client_user), as_user(dpo)
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    answers = [
        api.get("/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": "marketing"}).json(),
        api.get("/api/v1/consents/", {"subject": subject.external_ref}).json(),
        reader.get("/api/v1/purposes/").json(),
        reader.get("/api/v1/purposes/marketing/").json(),
        reader.get("/api/v1/reports/deadlines/", {"since": since}).json(),
    ]
    found = [moment for answer in answers for moment in _date_times(answer)]
    assert len(found) >= 6
    assert [m for m in found if not m.endswith("+07:00")] == []
