"""A DPO who typed a wrong time corrects when the breach occurred and was detected, with a reason, until
the authority is notified: the 72 hours are recomputed through the deadline policy (one that has fallen
due stays: `deadline_fallen_due`), and `regulator.breach.updated` records the old and new value of every
changed field but the free texts, which may hold personal data and are only named."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.errors import Conflict, InvalidInput
from regulator import services
from regulator.models import Breach
from tests.regulator.factories import DPO, MONDAY, make_breach, make_inventory

pytestmark = pytest.mark.django_db

REASON = "Typed the SIEM alert's day, not the SOC's confirmation."


@pytest.fixture
def breach():
    make_inventory()
    return make_breach()  # occurred MONDAY 04:00, detected MONDAY 09:00: 72 hours to MONDAY + 72 h


@pytest.fixture
def recent():
    make_inventory()
    now = timezone.now()
    return make_breach(detected_at=now - timedelta(hours=1), now=now)


def _update(breach, now, **changes):
    return services.breach_update(actor=DPO, breach_id=breach.pk, changes=changes, now=now)


def _iso(moment) -> str:
    return moment.astimezone(UTC).isoformat()


def _last_update_entry() -> dict:
    return AuditEntry.objects.filter(action="regulator.breach.updated").latest("pk").data


def test_an_earlier_detection_brings_the_deadline_forward_and_the_entry_says_from_what_to_what(breach):
    detected = MONDAY - timedelta(hours=2)
    _update(breach, MONDAY + timedelta(hours=10), detected_at=detected, correction_reason=REASON)

    breach.refresh_from_db()
    assert breach.detected_at == detected
    assert breach.notify_due_at == breach.statutory_due_at == detected + timedelta(hours=72)
    entry = _last_update_entry()
    assert entry["changed"] == ["detected_at", "notify_due_at", "statutory_due_at"]
    assert entry["values"] == {
        "detected_at": {"before": _iso(MONDAY), "after": _iso(detected)},
        "notify_due_at": {
            "before": _iso(MONDAY + timedelta(hours=72)),
            "after": _iso(detected + timedelta(hours=72)),
        },
        "statutory_due_at": {
            "before": _iso(MONDAY + timedelta(hours=72)),
            "after": _iso(detected + timedelta(hours=72)),
        },
    }
    assert entry["reason"] == REASON


def test_a_corrected_time_is_checked_and_needs_a_reason(breach):
    now = MONDAY + timedelta(hours=10)
    refusals = [
        ({"detected_at": MONDAY - timedelta(hours=6), "correction_reason": REASON}, "detected_at"),
        ({"occurred_at": MONDAY + timedelta(hours=1), "correction_reason": REASON}, "detected_at"),
        ({"detected_at": now + timedelta(minutes=5), "correction_reason": REASON}, "detected_at"),
        ({"detected_at": MONDAY - timedelta(hours=1), "correction_reason": "  "}, "correction_reason"),
        ({"occurred_at": MONDAY - timedelta(hours=7)}, "correction_reason"),
    ]
    for changes, field in refusals:
        with pytest.raises(InvalidInput) as refused:
            _update(breach, now, **changes)
        assert refused.value.field == field, changes
    stored = Breach.objects.get(pk=breach.pk)
    assert (stored.occurred_at, stored.detected_at) == (breach.occurred_at, breach.detected_at)
    assert not AuditEntry.objects.filter(action="regulator.breach.updated").exists()


def test_a_deadline_that_has_fallen_due_does_not_move(breach):
    later = MONDAY + timedelta(hours=10)
    _update(breach, MONDAY + timedelta(hours=80), detected_at=later, correction_reason=REASON)

    breach.refresh_from_db()
    assert breach.detected_at == later
    assert breach.notify_due_at == breach.statutory_due_at == MONDAY + timedelta(hours=72)
    assert _last_update_entry()["changed"] == ["detected_at"]


def test_a_later_occurrence_alone_moves_no_deadline_that_counts_from_the_detection(breach):
    occurred = MONDAY - timedelta(hours=1)
    _update(breach, MONDAY + timedelta(hours=10), occurred_at=occurred, correction_reason=REASON)

    breach.refresh_from_db()
    assert breach.occurred_at == occurred
    assert breach.notify_due_at == MONDAY + timedelta(hours=72)
    assert _last_update_entry()["values"] == {
        "occurred_at": {"before": _iso(MONDAY - timedelta(hours=5)), "after": _iso(occurred)}
    }


def test_once_the_authority_is_notified_the_times_stand(breach):
    services.breach_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=5))
    now = MONDAY + timedelta(hours=6)
    with pytest.raises(Conflict) as refused:
        _update(breach, now, detected_at=MONDAY - timedelta(hours=1), correction_reason=REASON)
    assert (refused.value.status, refused.value.code) == (409, "breach_times_notified")
    assert "authority" in str(refused.value.message)
    # The times sent back as they stand are no correction: the rest of the change goes through.
    _update(
        breach, now, detected_at=breach.detected_at, occurred_at=breach.occurred_at, subjects_affected=130
    )
    assert Breach.objects.get(pk=breach.pk).subjects_affected == 130


def test_the_entry_gives_counts_and_codes_before_and_after_but_only_names_the_texts(breach):
    _update(
        breach,
        MONDAY + timedelta(hours=10),
        subjects_affected=150,
        description="Nguyễn Văn A's statement went to a contractor.",
        systems=["core_banking", "crm"],
    )
    entry = _last_update_entry()
    assert entry["changed"] == ["description", "subjects_affected", "systems"]
    assert entry["values"] == {
        "subjects_affected": {"before": 120, "after": 150},
        "systems": {"before": ["core_banking"], "after": ["core_banking", "crm"]},
    }
    assert "Nguyễn" not in str(entry)


def test_the_api_corrects_the_times_and_refuses_them_once_notified(recent, dpo, as_user):
    breach = recent
    client = as_user(dpo)
    url = f"/api/v1/breaches/{breach.pk}/"
    detected = breach.detected_at - timedelta(hours=2)

    unexplained = client.patch(url, {"detected_at": detected.isoformat()}, format="json")
    assert unexplained.status_code == 400 and "correction_reason" in unexplained.json()
    answer = client.patch(
        url, {"detected_at": detected.isoformat(), "correction_reason": REASON}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert Breach.objects.get(pk=breach.pk).notify_due_at == detected + timedelta(hours=72)

    client.post(url + "notifications/", {}, format="json")
    refused = client.patch(
        url,
        {"detected_at": (detected - timedelta(hours=1)).isoformat(), "correction_reason": REASON},
        format="json",
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "breach_times_notified"


def _facts_as_shown(client, url) -> dict:
    """The facts form posted back as the page shows it."""
    form = client.get(url).context["form"]
    shown = {name: form[name].value() or "" for name in form.fields if name not in ("systems", "categories")}
    return {**shown, "systems": ["core_banking"], "categories": ["accounts"]}


def test_the_facts_page_corrects_the_times_until_the_authority_is_notified(recent, dpo, client):
    breach = recent
    client.force_login(dpo)
    url = reverse("regulator:breach_edit", args=[breach.pk])
    now = timezone.localtime()
    detected = (now - timedelta(hours=2)).replace(second=0, microsecond=0)
    posted = {
        **_facts_as_shown(client, url),
        "occurred_at": (now - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
        "detected_at": detected.strftime("%Y-%m-%dT%H:%M"),
        "correction_reason": REASON,
    }
    assert client.post(url, posted).status_code == 302
    stored = Breach.objects.get(pk=breach.pk)
    assert (stored.detected_at, stored.notify_due_at) == (detected, detected + timedelta(hours=72))

    services.breach_notify(actor=DPO, breach_id=breach.pk)
    form = client.get(url).context["form"]
    assert form.fields["detected_at"].disabled and form.fields["occurred_at"].disabled


def test_the_facts_page_sends_back_the_times_it_showed_as_no_correction(recent, dpo, client):
    """A breach recorded through the API to the microsecond: the page shows its times to the second, and
    saving a count with them as shown asks no reason and corrects nothing."""
    breach = recent
    client.force_login(dpo)
    url = reverse("regulator:breach_edit", args=[breach.pk])
    posted = {**_facts_as_shown(client, url), "subjects_affected": 130}
    assert client.post(url, posted).status_code == 302
    stored = Breach.objects.get(pk=breach.pk)
    assert (stored.subjects_affected, stored.detected_at) == (130, breach.detected_at)
    assert _last_update_entry()["changed"] == ["subjects_affected"]
