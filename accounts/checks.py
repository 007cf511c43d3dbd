"""System check of sign-in accounts: `manage.py check` warns about a superuser who is not the DPO."""
from __future__ import annotations

from django.core.checks import Warning
from django.db import DatabaseError

from accounts.selectors import superusers_outside_dpo_group


def superuser_not_dpo_check(app_configs=None, **kwargs) -> list[Warning]:
    """A superuser in no group acts as the DPO on every page, yet none of the DPO's e-mails (alerts,
    reports, a customer's complaint) reaches them: the bank believes it has a DPO it does not have."""
    try:
        usernames = superusers_outside_dpo_group()
    except DatabaseError:
        # Before the first migrate there are no logins to read yet.
        return []
    if not usernames:
        return []
    return [
        Warning(
            f"Superusers outside the DPO group: {', '.join(usernames)}. They reach every page as the DPO "
            "but receive none of the DPO's e-mails.",
            hint="Give each the DPO role (Portal → Staff roles, or manage.py set_role USERNAME --role dpo), "
            "or end their superuser status: keep superusers for emergencies.",
            id="accounts.W001",
        )
    ]
