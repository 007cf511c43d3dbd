"""The breach page's forms that record something are sent once: a double click on "Submit to the
authority" (or a browser's resend) filed the follow-up phase twice, two Form 08s to A05 for one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from regulator import services
from regulator.models import Breach, BreachNotification
from tests.regulator.factories import DPO, make_breach, make_inventory

pytestmark = pytest.mark.django_db


def _hidden_inputs(page: str, action: str) -> dict[str, str]:
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _notified_breach():
    make_inventory()
    now = timezone.now()
    breach = make_breach(detected_at=now - timedelta(hours=3), now=now)
    services.breach_notify(actor=DPO, breach_id=breach.pk, now=now)
    return breach


def _detail_page(client, breach) -> str:
    return client.get(reverse("regulator:breach_detail", args=[breach.pk])).content.decode()


def test_a_follow_up_phase_posted_twice_is_filed_once(client, dpo):
    breach = _notified_breach()
    client.force_login(dpo)
    url = reverse("regulator:breach_notify", args=[breach.pk])
    body = {
        **_hidden_inputs(_detail_page(client, breach), url),
        "new_facts": "Forensics: 300 more records.",
        "late_reason": "",
        "authority_reference": "",
    }

    first = client.post(url, body)
    second = client.post(url, body)

    assert list(BreachNotification.objects.filter(breach=breach).values_list("phase", flat=True)) == [1, 2]
    assert first["Location"] == second["Location"] == reverse("regulator:breach_detail", args=[breach.pk])


def test_a_refused_follow_up_can_be_sent_again_corrected(client, dpo):
    """A post the service refused gives its token up: the same form, completed, is filed."""
    breach = _notified_breach()
    client.force_login(dpo)
    url = reverse("regulator:breach_notify", args=[breach.pk])
    token = _hidden_inputs(_detail_page(client, breach), url)

    assert client.post(url, {**token, "new_facts": ""}).status_code == 400
    client.post(url, {**token, "new_facts": "Forensics: 300 more records."})

    assert BreachNotification.objects.filter(breach=breach).count() == 2


def test_the_decision_not_to_tell_the_customers_posted_twice_is_recorded_once(client, dpo):
    breach = _notified_breach()
    client.force_login(dpo)
    url = reverse("regulator:breach_customers_decline", args=[breach.pk])
    body = {**_hidden_inputs(_detail_page(client, breach), url), "reason": "Encrypted files, key not lost."}

    client.post(url, body)
    second = client.post(url, body, follow=True)

    assert Breach.objects.get(pk=breach.pk).customer_notice_decision == "not_notify"
    assert "already been sent" in second.content.decode()
