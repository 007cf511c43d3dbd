"""The inspector's "who in the bank looked at customer X's data last quarter": the trail narrows to a
period with both ends (`since`, `until` not included) on the audit page and the API, and the page's
action filter names each action in words, not by its internal code."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation

from audit.actions import action_label
from audit.services import audit_record
from core.actors import Actor
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICER = Actor(kind="staff", user_id=None, label="officer-in-branch")
VIEWED = "core.subject.viewed"


def _looked_at(subject, *moments):
    for number, moment in enumerate(moments):
        with transaction.atomic():
            audit_record(
                action=VIEWED, actor=OFFICER, subject=subject, data={"reason": f"R-{number}"}, now=moment
            )


def test_the_page_narrows_the_trail_to_a_period(logged_in, auditor):
    subject = make_subject()
    _looked_at(subject, datetime(2026, 2, 10, 9, tzinfo=VN), datetime(2026, 4, 1, 0, 30, tzinfo=VN))
    period = {"subject": subject.external_ref, "action": VIEWED, "since": "2026-01-01", "until": "2026-04-01"}

    page = logged_in(auditor).get("/en/portal/audit/", period).content.decode()

    assert 'data-testid="view-reason"' in page
    assert "R-0" in page and "R-1" not in page
    assert 'name="until"' in page and 'value="2026-04-01"' in page


def test_the_api_narrows_the_trail_to_a_period(as_user, auditor):
    subject = make_subject()
    _looked_at(subject, datetime(2026, 2, 10, 9, tzinfo=VN), datetime(2026, 4, 1, 0, 30, tzinfo=VN))
    api = as_user(auditor)

    rows = api.get(
        "/api/v1/audit/", {"subject": subject.external_ref, "action": VIEWED, "until": "2026-04-01"}
    ).json()["results"]

    assert [row["data"]["reason"] for row in rows] == ["R-0"]
    assert api.get("/api/v1/audit/", {"until": "2026-02-30"}).status_code == 400


def test_the_action_filter_names_each_action_in_words(logged_in, auditor):
    page = logged_in(auditor).get("/portal/audit/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    with translation.override("vi"):
        label = str(action_label(VIEWED))
    assert f'<option value="{VIEWED}">{label}' in page


def test_a_period_ending_before_it_starts_is_refused(logged_in, as_user, auditor):
    swapped = {"since": "2026-04-01", "until": "2026-01-01"}

    refused = as_user(auditor).get("/api/v1/audit/", swapped)
    page = logged_in(auditor).get("/en/portal/audit/", swapped).content.decode()

    assert refused.status_code == 400 and "since" in refused.json()
    assert "The period must start before it ends." in page
