"""Need to know on writes: an answer to `POST subjects/`, `PATCH subjects/{id}/` or `POST
subjects/{id}/verify-guardian/` that shows the customer's values in full because staff gave
`X-Access-Reason` records the view with that reason, as `GET` does (`core.subject.viewed`), in the
write's own transaction. Without the header the answer stays masked and no view is recorded; a blank
header is refused before anything is written."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

NEW = {"external_ref": "CIF9300001", "full_name": "Đặng Thùy Trâm", "phone": "0912345678"}
REASON = "REQ-2026-0042 rectification"


def _viewed(subject_id):
    return list(AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject_id))


def _child():
    return make_subject(guardian=make_subject(), national_id="", phone="", email="")


WRITES = {
    "create": (lambda: None, "post", lambda s: "/api/v1/subjects/", NEW, 201),
    "rectify": (make_subject, "patch", lambda s: f"/api/v1/subjects/{s.pk}/", {"phone": "0987654321"}, 200),
    "verify_guardian": (_child, "post", lambda s: f"/api/v1/subjects/{s.pk}/verify-guardian/",
                        {"evidence": "DMS-2026-000123 birth certificate"}, 200),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_reason_reveals_the_answer_and_is_recorded_as_a_view(as_user, officer, write):
    make, method, url, body, code = WRITES[write]
    subject = make()
    api = as_user(officer)
    response = getattr(api, method)(url(subject), body, format="json", HTTP_X_ACCESS_REASON=REASON)

    assert response.status_code == code, response.content
    assert response.json()["masked"] is False
    shown = DataSubject.objects.get(pk=response.json()["id"])
    assert response.json()["full_name"] == shown.full_name
    [viewed] = _viewed(shown.pk)
    assert viewed.data == {"context": f"api.{write}", "revealed": True, "reason": REASON}
    assert viewed.actor_label == officer.username


@pytest.mark.parametrize("write", list(WRITES))
def test_without_a_reason_the_answer_is_masked_and_no_view_is_recorded(as_user, officer, write):
    make, method, url, body, code = WRITES[write]
    subject = make()
    response = getattr(as_user(officer), method)(url(subject), body, format="json")

    assert response.status_code == code, response.content
    assert response.json()["masked"] is True
    assert _viewed(response.json()["id"]) == []


@pytest.mark.parametrize("write", list(WRITES))
def test_a_blank_reason_is_refused_before_anything_is_written(as_user, officer, write):
    make, method, url, body, _code = WRITES[write]
    subject = make()
    api = as_user(officer)
    before = AuditEntry.objects.count()
    response = getattr(api, method)(url(subject), body, format="json", HTTP_X_ACCESS_REASON="   ")

    assert response.status_code == 400, response.content
    assert "X-Access-Reason" in response.json()
    assert AuditEntry.objects.count() == before
    assert not DataSubject.objects.filter(external_ref=NEW["external_ref"]).exists()
    if subject is not None:
        subject.refresh_from_db()
        assert subject.phone != "0987654321" and subject.guardian_verified_at is None
