"""What the integrations area contributes to the portal's dashboard."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrations.outbox import outbox_parked_count
from integrations.selectors import TOKEN_ENDING_SOON_WITHIN, tokens_ending_count


def undelivered_cards(request) -> list[dict[str, Any]]:
    """Messages parked after their retries (a DPO's deadline report the mail server never took among
    them): the one who is not receiving them sees so on the dashboard. None while nothing is parked."""
    if not request.user.has_perm("integrations.manage_outbox"):
        return []
    parked = outbox_parked_count()
    if not parked:
        return []
    return [
        {
            "label": _("Undelivered messages"),
            "value": parked,
            "url": reverse("integrations:outbox_parked"),
            "tone": "danger",
            "testid": "undelivered",
        }
    ]


def tokens_ending_cards(request) -> list[dict[str, Any]]:
    """API tokens stopping within TOKEN_ENDING_SOON_WITHIN, for the DPO who renews them or lets them
    lapse: an integration whose key ends unnoticed stops calling the consent check. None while none."""
    if not request.user.has_perm("integrations.view_apitoken"):
        return []
    ending = tokens_ending_count(now=timezone.now())
    if not ending:
        return []
    label = _("API tokens ending within %(days)d days") % {"days": TOKEN_ENDING_SOON_WITHIN.days}
    return [{"label": label, "value": ending, "url": reverse("integrations:tokens"), "tone": "warn",
             "testid": "tokens-ending"}]
