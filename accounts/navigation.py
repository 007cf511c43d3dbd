"""What sign-in accounts contribute to the portal's dashboard: the DPO's access review."""
from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import dormant_login_count, roles_ending_count

ROLES_ENDING_WITHIN_DAYS = 14


def access_review_cards(request) -> list[dict[str, Any]]:
    """Logins holding a role they have not signed in with for STAFF_DORMANT_AFTER_DAYS, and roles whose
    last day comes within ROLES_ENDING_WITHIN_DAYS, for the DPO who manages roles. None while none."""
    if not request.user.has_perm("auth.change_user"):
        return []
    now = timezone.now()
    users = reverse("accounts:users")
    dormant = dormant_login_count(now=now)
    ending = roles_ending_count(today=timezone.localdate(now), within_days=ROLES_ENDING_WITHIN_DAYS)
    cards = []
    if dormant:
        cards.append({"label": _("Dormant logins holding a role"), "value": dormant,
                      "url": f"{users}?dormant=1", "tone": "warn", "testid": "dormant-logins"})
    if ending:
        label = _("Staff roles ending within %(days)d days") % {"days": ROLES_ENDING_WITHIN_DAYS}
        cards.append({"label": label, "value": ending, "url": users, "tone": "warn",
                      "testid": "roles-ending"})
    return cards
