"""The initial notification carries what Form 08 asks (Decree 356/2025, sections 4-6): the counts,
the likely consequences and the measures taken, or says of each that it is not yet known and follows
in a later phase. An initial notification with all three empty went to A05 as if nothing were known."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput
from regulator import services
from regulator.models import Breach, BreachNotification
from tests.regulator.factories import DPO, make_breach, make_inventory

pytestmark = pytest.mark.django_db

EMPTY = {"subjects_affected": 0, "records_affected": 0, "likely_consequences": "", "measures_taken": ""}


def _notify(breach, **kwargs):
    return services.breach_notify(
        actor=DPO, breach_id=breach.pk, now=breach.detected_at + timedelta(hours=2), **kwargs
    )


def test_initial_notification_without_the_content_is_refused_naming_what_is_missing():
    make_inventory()
    breach = make_breach(**EMPTY)
    with pytest.raises(InvalidInput) as refused:
        _notify(breach)
    assert refused.value.field == "to_follow"
    text = str(refused.value.text)
    assert "counts" in text and "likely consequences" in text and "measures taken" in text
    assert not BreachNotification.objects.filter(breach=breach).exists()
    assert Breach.objects.get(pk=breach.pk).status == "open"


def test_only_the_missing_items_are_named():
    make_inventory()
    breach = make_breach(measures_taken="")
    with pytest.raises(InvalidInput) as refused:
        _notify(breach)
    text = str(refused.value.text)
    assert "measures taken" in text and "counts" not in text and "consequences" not in text


def test_items_said_to_follow_go_and_form_08_says_so():
    make_inventory()
    breach = make_breach(**EMPTY)
    phase = _notify(breach, to_follow=["counts", "likely_consequences", "measures_taken"])
    assert phase.phase == 1
    assert phase.document["to_follow"] == ["counts", "likely_consequences", "measures_taken"]


def test_an_item_known_is_not_printed_as_to_follow():
    make_inventory()
    breach = make_breach(measures_taken="")
    phase = _notify(breach, to_follow=["counts", "measures_taken"])
    assert phase.document["to_follow"] == ["measures_taken"]


def _breach_detected_an_hour_ago():
    now = timezone.now()
    return make_breach(detected_at=now - timedelta(hours=1), now=now, **EMPTY)


def test_the_api_refuses_with_a_400_naming_the_field(dpo, as_user):
    make_inventory()
    breach = _breach_detected_an_hour_ago()
    client = as_user(dpo)
    url = f"/api/v1/breaches/{breach.pk}/notifications/"
    refused = client.post(url, {}, format="json")
    assert refused.status_code == 400 and "to_follow" in refused.json(), refused.json()
    sent = client.post(url, {"to_follow": ["counts", "likely_consequences", "measures_taken"]}, format="json")
    assert sent.status_code == 201, sent.json()


def test_the_page_shows_the_form_error_and_form_08_prints_to_follow(client, dpo):
    make_inventory()
    breach = _breach_detected_an_hour_ago()
    client.force_login(dpo)
    url = reverse("regulator:breach_notify", args=[breach.pk])
    refused = client.post(url, {"new_facts": "", "late_reason": ""})
    assert refused.status_code == 400
    assert (
        "Form 08 needs the counts of data subjects and records, the likely consequences, the measures"
        in refused.content.decode()
    )
    client.post(url, {"to_follow": ["counts", "likely_consequences", "measures_taken"]})
    form08 = client.get(reverse("regulator:breach_phase", args=[breach.pk, 1])).content.decode()
    assert form08.count('data-testid="to-follow"') == 3
