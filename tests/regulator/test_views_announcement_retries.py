"""An announcement the job parked after failing it again and again: the DPO sees it, with its error and
attempts, on the announcements page and the dashboard, and puts it back (page and API); the auditor
sees it and may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents.services import announcements as announcement_services
from consents.services.announcement_runs import ATTEMPTS_BEFORE_PARKING, announcements_run_due
from tests.consents.factories import publish_notice
from tests.regulator.factories import (
    DPO,
    customers_with,
    make_catalogue,
    make_inventory,
    marketing_change_announced,
)

pytestmark = pytest.mark.django_db
CARD = "Notice announcements failing"
NOT_TOLD = "is not sent: its customers are not being told of the new version."
NOT_ASKED = "was sent, but its customers are not being asked for fresh consent."


def _notifier_down(chunk, **kwargs):
    raise ConnectionError("smtp refused for le.van.c@example.vn")


@pytest.fixture
def parked(monkeypatch):
    """A notice-change announcement whose mailing failed at each of five hourly runs."""
    announcement = marketing_change_announced(customers=2)
    working = announcement_services.notify_many
    monkeypatch.setattr(announcement_services, "notify_many", _notifier_down)
    due = announcement.send_at
    for hour in range(ATTEMPTS_BEFORE_PARKING):
        announcements_run_due(now=due + timedelta(hours=hour))
    monkeypatch.setattr(announcement_services, "notify_many", working)
    announcement.refresh_from_db()
    assert announcement.status == "send_failed"
    return announcement


def _card(client) -> dict:
    page = client.get(reverse("portal:dashboard"))
    (card,) = [c for c in page.context["cards"] if str(c["label"]) == CARD]
    return card


def test_the_dpo_sees_the_parked_announcement_and_puts_it_back(client, dpo, parked):
    client.force_login(dpo)
    assert _card(client) | {"label": CARD} == {
        "label": CARD,
        "value": 1,
        "url": reverse("regulator:announcement_list"),
        "tone": "danger",
    }
    listing = reverse("regulator:announcement_list")
    html = client.get(listing).content.decode()
    assert 'data-testid="announcements-attention"' in html
    assert "1 announcement needs your attention." in html
    assert NOT_TOLD in html and NOT_ASKED not in html
    assert "Not sent: needs attention" in html
    assert "Failed 5 times in a row" in html
    assert parked.last_error in html and parked.last_error.startswith("ConnectionError at ")
    assert "example.vn" not in html
    retry = reverse("regulator:announcement_retry", args=[parked.pk])
    assert f'action="{retry}"' in html
    assert f'action="{reverse("regulator:announcement_send", args=[parked.pk])}"' not in html

    answer = client.post(retry, follow=True)
    assert [str(m) for m in answer.context["messages"]] == [
        "The announcement is back in the queue: the announcements job tries it again within the hour."
    ]
    parked.refresh_from_db()
    assert (parked.status, parked.attempts) == ("scheduled", 0)
    (entry,) = AuditEntry.objects.filter(action="consents.announcement.retried")
    assert entry.actor_label == dpo.username and entry.data["attempts"] == 5
    html = answer.content.decode()
    assert 'data-testid="announcements-attention"' not in html and f'action="{retry}"' not in html
    assert _card(client)["value"] == 0 and _card(client)["tone"] == "ok"
    # Once more: nothing to put back, said as a message.
    again = client.post(retry, follow=True)
    (refused,) = [m for m in again.context["messages"] if m.level_tag == "error"]
    assert str(refused) == "Only an announcement that needs attention can be retried."


def test_a_parked_fresh_consent_step_is_worded_as_customers_told_but_not_asked(client, dpo, monkeypatch):
    """The customers of an `ask_failed` announcement were told; only the request for fresh consent is
    missing, and the warning says so."""
    make_inventory()
    purposes = make_catalogue(now=timezone.now())
    customers_with(purposes["marketing"], 2)
    effective_at = timezone.now() + timedelta(days=40)
    notice = publish_notice("marketing", "v2", effective_at=effective_at, material=True, actor=DPO)
    assert announcements_run_due(now=notice.announcement.send_at)["sent"] == 1
    monkeypatch.setattr(announcement_services, "notify_many", _notifier_down)
    for hour in range(ATTEMPTS_BEFORE_PARKING):
        announcements_run_due(now=effective_at + timedelta(hours=hour))
    notice.announcement.refresh_from_db()
    assert notice.announcement.status == "ask_failed"
    client.force_login(dpo)
    assert (_card(client)["value"], _card(client)["tone"]) == (1, "danger")
    html = client.get(reverse("regulator:announcement_list")).content.decode()
    assert "1 announcement needs your attention." in html
    assert NOT_ASKED in html and NOT_TOLD not in html
    assert "not being told" not in html


def test_a_failure_still_retried_is_shown_and_counted_as_a_warning(client, dpo, monkeypatch):
    make_inventory()
    purposes = make_catalogue(now=timezone.now())
    customers_with(purposes["marketing"], 1)
    notice = publish_notice("marketing", "v2", effective_at=timezone.now() + timedelta(days=10), actor=DPO)
    monkeypatch.setattr(announcement_services, "notify_many", _notifier_down)
    announcements_run_due(now=notice.announcement.send_at)
    client.force_login(dpo)
    assert (_card(client)["value"], _card(client)["tone"]) == (1, "warn")
    html = client.get(reverse("regulator:announcement_list")).content.decode()
    assert "Failed 1 time in a row" in html and "Next attempt from" in html
    assert 'data-testid="announcements-attention"' not in html


def test_the_auditor_sees_it_and_may_not_put_it_back(client, auditor, parked):
    client.force_login(auditor)
    html = client.get(reverse("regulator:announcement_list")).content.decode()
    retry = reverse("regulator:announcement_retry", args=[parked.pk])
    assert "Not sent: needs attention" in html and f'action="{retry}"' not in html
    assert client.post(retry).status_code == 403
    parked.refresh_from_db()
    assert parked.status == "send_failed"


def test_the_api_lists_the_failure_and_puts_it_back(dpo, auditor, as_user, parked):
    client = as_user(dpo)
    (listed,) = client.get("/api/v1/notice-announcements/").json()["results"]
    assert (listed["status"], listed["attempts"], listed["allowed_actions"]) == ("send_failed", 5, ["retry"])
    assert listed["last_error"] == parked.last_error and listed["next_attempt_at"] is None
    url = f"/api/v1/notice-announcements/{parked.pk}/retry/"
    assert as_user(auditor).post(url).status_code == 403
    answer = client.post(url)
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["attempts"], answer.json()["allowed_actions"]) == (
        "scheduled", 0, ["send"]
    )
    again = client.post(url)
    assert again.status_code == 409 and again.json()["code"] == "not_parked"
