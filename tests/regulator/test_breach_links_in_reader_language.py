"""A breach notice links to the customer's inbox in the customer's language, whatever the language of
the page (or API call) from which the DPO sent the mailing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from integrations.outbox import absolute_url
from notifications.models import Notification
from regulator import services
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db


def _inbox(language: str) -> str:
    with translation.override(language):
        return reverse("notifications:me_inbox")


@pytest.mark.parametrize("sender_language", ["vi", "en"])
def test_each_customer_is_linked_to_their_inbox_in_their_language(
    sender_language, django_capture_on_commit_callbacks
):
    make_inventory()
    make_catalogue()
    english, vietnamese = make_customer(preferred_language="en"), make_customer(preferred_language="vi")
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with translation.override(sender_language), django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    for customer, language in ((english, "en"), (vietnamese, "vi")):
        context = json.loads(Notification.objects.get(subject=customer).context)
        assert context["link"] == absolute_url(_inbox(language)), language
