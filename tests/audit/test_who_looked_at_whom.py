"""The inspector's question "which customers did this staff member look at, and why?": the trail is
narrowed to one person by their login, on the API (`?actor=`) and on the audit page."""
from __future__ import annotations

import pytest

from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _looked_at(as_user, user, subject, reason):
    answer = as_user(user).get(f"/api/v1/subjects/{subject.pk}/", HTTP_X_ACCESS_REASON=reason)
    assert answer.status_code == 200


def test_the_api_narrows_the_trail_to_one_staff_member(as_user, auditor, officer, privacy_officer):
    first, second = make_subject(), make_subject()
    _looked_at(as_user, officer, first, "complaint R-1")
    _looked_at(as_user, privacy_officer, second, "request R-2")
    answer = as_user(auditor).get(
        "/api/v1/audit/", {"actor": officer.username, "action": "core.subject.viewed"}
    )
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [(row["actor_label"], row["subject_id"], row["data"]["reason"]) for row in rows] == [
        (officer.username, str(first.pk), "complaint R-1")
    ]
    nobody = as_user(auditor).get("/api/v1/audit/", {"actor": "nobody-by-this-name"})
    assert nobody.status_code == 200 and nobody.json()["results"] == []


def test_the_audit_page_narrows_the_trail_to_one_staff_member(logged_in, as_user, auditor, officer, dpo):
    first, second = make_subject(), make_subject()
    _looked_at(as_user, officer, first, "complaint R-1")
    _looked_at(as_user, dpo, second, "request R-2")
    page = logged_in(auditor).get("/en/portal/audit/", {"actor": officer.username}).content.decode()
    assert 'name="actor"' in page
    # Whom (by customer number) and why, on the row of the view itself.
    assert f'data-testid="entry-customer">{first.external_ref}<' in page and "complaint R-1" in page
    assert second.external_ref not in page and "request R-2" not in page
