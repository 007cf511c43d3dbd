"""The regulator API offers the same actions as the staff pages (issue #11): breaches, dossiers and
notice announcements list `allowed_actions` from `breach_allowed_actions`, `dossier_allowed_actions`
and `announcement_allowed_actions`, in the detail and in the answer to each action; empty for a
reader (auditor, read-only token) and once the object is closed or sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import NoticeAnnouncement
from consents.selectors import announcement_allowed_actions
from core.actors import actor_for_user
from regulator.models import Breach, Dossier
from regulator.selectors import breach_allowed_actions, dossier_allowed_actions
from tests.consents.factories import publish_notice
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory():
    make_inventory()
    return make_catalogue(now=timezone.now())


def _as_page_offers(selector, obj, user) -> list[str]:
    return sorted(selector(obj, actor_for_user(user)))


def test_breach_detail_and_answers_list_what_the_breach_page_offers(inventory, dpo, auditor, as_user):
    now = timezone.now()
    breach = make_breach(detected_at=now - timedelta(hours=2), categories=["accounts"], now=now)
    client = as_user(dpo)
    base = f"/api/v1/breaches/{breach.pk}/"

    def page_offers() -> list[str]:
        return _as_page_offers(breach_allowed_actions, Breach.objects.get(pk=breach.pk), dpo)

    assert client.get(base).json()["allowed_actions"] == page_offers() == ["notify", "update"]
    (listed,) = client.get("/api/v1/breaches/").json()["results"]
    assert listed["allowed_actions"] == ["notify", "update"]
    patched = client.patch(base, {"measures_taken": "Keys rotated."}, format="json")
    assert patched.json()["allowed_actions"] == ["notify", "update"]
    client.post(base + "notifications/", {}, format="json")
    declined = client.post(base + "decline-customer-notice/", {"reason": "Encrypted."}, format="json")
    assert declined.json()["allowed_actions"] == page_offers() == ["close", "notify", "update"]
    closed = client.post(base + "close/")
    assert closed.status_code == 200 and closed.json()["allowed_actions"] == page_offers() == []
    assert client.get(base).json()["allowed_actions"] == []

    created = client.post(
        "/api/v1/breaches/",
        {
            "title": "Lost laptop",
            "description": "Stolen.",
            "occurred_at": (now - timedelta(hours=3)).isoformat(),
            "detected_at": (now - timedelta(hours=1)).isoformat(),
            "systems": ["core_banking"],
            "categories": ["accounts"],
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["allowed_actions"] == ["notify", "update"]


def test_a_breach_reader_is_offered_no_action(inventory, dpo, auditor, as_user):
    breach = make_breach(detected_at=timezone.now() - timedelta(hours=1), now=timezone.now())
    url = f"/api/v1/breaches/{breach.pk}/"
    assert as_user(auditor).get(url).json()["allowed_actions"] == []
    # The DPO's read-only token may not act either: the write scope is missing.
    assert as_user(dpo, scopes=["regulator:read"]).get(url).json()["allowed_actions"] == []
    assert as_user(dpo, scopes=["regulator:read", "regulator:write"]).get(url).json()["allowed_actions"] == [
        "notify",
        "update",
    ]


def test_dossier_document_and_answers_list_what_the_dossier_page_offers(inventory, dpo, auditor, as_user):
    client = as_user(dpo)
    client.post("/api/v1/dossiers/sync/")
    dossier = Dossier.objects.get(kind="transfer")
    base = f"/api/v1/dossiers/{dossier.pk}/"

    def page_offers() -> list[str]:
        return _as_page_offers(dossier_allowed_actions, Dossier.objects.get(pk=dossier.pk), dpo)

    # No risk assessment written yet: it cannot be filed.
    assert client.get(base).json()["allowed_actions"] == page_offers() == ["edit"]
    listed = {d["id"]: d for d in client.get("/api/v1/dossiers/").json()["results"]}
    assert listed[str(dossier.pk)]["allowed_actions"] == ["edit"]
    edited = client.post(
        base + "versions/", {"assessment": "Adequate contract clauses.", "note": "DPO review"}, format="json"
    )
    assert edited.status_code == 201
    assert edited.json()["allowed_actions"] == page_offers() == ["edit", "file"]
    assert edited.json()["version"] == 2  # the document is unchanged beside it
    filed = client.post(base + "file/", {"authority_reference": "A05/2026/77"}, format="json")
    # Filed as is: only a new version may be written (and filed again).
    assert filed.json()["allowed_actions"] == page_offers() == ["edit"]
    assert as_user(auditor).get(base).json()["allowed_actions"] == []
    assert as_user(dpo, scopes=["regulator:read"]).get(base).json()["allowed_actions"] == []


def test_announcement_answers_list_what_the_announcement_page_offers(inventory, dpo, auditor, as_user):
    publish_notice(
        "marketing", "v2", effective_at=timezone.now() + timedelta(days=40), material=True, actor=DPO
    )
    client = as_user(dpo)
    (listed,) = client.get("/api/v1/notice-announcements/").json()["results"]
    assert listed["allowed_actions"] == ["send"]
    (read,) = as_user(auditor).get("/api/v1/notice-announcements/").json()["results"]
    assert read["allowed_actions"] == []
    sent = client.post(f"/api/v1/notice-announcements/{listed['id']}/send/")
    assert sent.status_code == 200 and sent.json()["allowed_actions"] == []
    announcement = NoticeAnnouncement.objects.get(pk=listed["id"])
    assert _as_page_offers(announcement_allowed_actions, announcement, dpo) == []


def test_the_schema_says_when_an_announcement_offers_each_action(client):
    """`retry` is offered on an announcement already sent (`ask_failed`): the text may not say the list
    is empty once sent."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    field = schema["components"]["schemas"]["AnnouncementOutput"]["properties"]["allowed_actions"]
    text = field["description"]
    assert "once sent" not in text
    assert "send (only before the announcement is sent" in text
    assert "retry (only while parked" in text and "ask_failed" in text
