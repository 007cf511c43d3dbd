"""What a customer's self-service login becomes when the customer's life changes: on a recorded death it
closes. Whoever holds the password (a relative) must not read or act on the dead person's data through
it; Law 91/2025 lets the family process it only with their own consent, through the bank. A former
customer keeps theirs: the rights over their data outlive the relationship."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from audit.services import audit_record
from core.actors import Actor
from subjects.follow_ups import life_end_recorded
from subjects.models import CustomerAccount, DataSubject


def customer_login_close_on_death(
    *, actor: Actor, subject: DataSubject, changed: frozenset[str], before: Mapping[str, Any],
    now: datetime, source: str = "",
) -> bool:
    """After a rectification (`subjects.follow_ups`) that recorded the customer's death, in its
    transaction: their login is made inactive, which ends its sessions too (Django's session look-up
    refuses an inactive user), audited. Returns whether a login was closed."""
    if life_end_recorded(subject, changed) != "deceased_on":
        return False
    account = CustomerAccount.objects.select_related("user").filter(subject=subject).first()
    if account is None or not account.user.is_active:
        return False
    account.user.is_active = False
    account.user.save(update_fields=["is_active"])
    audit_record(action="core.account.closed_on_death", actor=actor, subject=subject, target=account,
                 data={"user_id": account.user_id}, now=now)
    return True
