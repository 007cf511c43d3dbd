"""For each sampled consent or request the auditor asks for its audit entries. The trail could be
narrowed to a customer, never to one of their records, so a customer with many consents gave the
auditor every entry of all of them to sort by hand. `target` narrows the trail (API and page) to the
entries about one record, beside the customer or the action (the trail's indexes lead with those)."""

from __future__ import annotations

import pytest
from django.db import transaction

from audit.services import audit_record
from core.actors import Actor
from tests.factories import make_subject, make_token

pytestmark = pytest.mark.django_db
OFFICER = Actor(kind="staff", user_id=None, label="officer-in-branch")


@pytest.fixture
def two_records():
    """Three entries about one customer: two about one record (here their guardian's), one another."""
    subject, guardian, other = make_subject(), make_subject(), make_subject()
    with transaction.atomic():
        for target in (guardian, other, guardian):
            audit_record(action="core.subject.viewed", actor=OFFICER, subject=subject, target=target,
                         data={"reason": "R-1"})
    return subject, str(guardian.pk)


def test_the_api_narrows_the_trail_to_one_record(api, auditor, two_records):
    subject, target = two_records
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(auditor)}")

    answer = api.get("/api/v1/audit/", {"subject": str(subject.pk), "target": target})

    assert answer.status_code == 200, answer.content
    assert [row["target_id"] for row in answer.json()["results"]] == [target, target]


def test_a_record_alone_is_refused_with_what_to_add(api, auditor, two_records):
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(auditor)}")
    answer = api.get("/api/v1/audit/", {"target": two_records[1]})
    assert answer.status_code == 400 and "target" in answer.json()


def test_the_page_narrows_the_trail_to_one_record(logged_in, auditor, two_records):
    subject, target = two_records
    page = logged_in(auditor).get("/portal/audit/", {"subject": subject.external_ref, "target": target})
    rows = page.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    assert len(rows) == 2
