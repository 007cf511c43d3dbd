"""What the integrations area contributes to the portal's dashboard."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from integrations.outbox import outbox_parked_count


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
