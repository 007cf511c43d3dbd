"""A closed breach's facts cannot change (the service refuses with 409): its edit page no longer
offers a form that could only fail once filled in; it goes back to the breach and says why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from regulator import services
from tests.regulator.factories import DPO, make_breach, make_inventory

pytestmark = pytest.mark.django_db


def _closed_breach():
    make_inventory()
    breach = make_breach(categories=("identity",))
    notified_at = breach.detected_at + timedelta(hours=2)
    services.breach_notify(actor=DPO, breach_id=breach.pk, now=notified_at)
    services.breach_close(actor=DPO, breach_id=breach.pk, now=notified_at + timedelta(days=1))
    return breach


def test_the_edit_page_of_a_closed_breach_shows_no_form(client, dpo):
    breach = _closed_breach()
    client.force_login(dpo)
    response = client.get(reverse("regulator:breach_edit", args=[breach.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("regulator:breach_detail", args=[breach.pk])
    assert "A closed breach cannot change." in response.content.decode()


def test_the_edit_page_of_an_open_breach_shows_its_form(client, dpo):
    make_inventory()
    breach = make_breach()
    client.force_login(dpo)
    response = client.get(reverse("regulator:breach_edit", args=[breach.pk]))
    assert response.status_code == 200 and 'name="title"' in response.content.decode()
