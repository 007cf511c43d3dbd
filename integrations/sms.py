"""Text messages to a customer's registered phone (one-time codes).

The bank's SMS gateway plugs in through `SMS_BACKEND` (a dotted path to a class with
`send(to, text)`). The default keeps messages in memory, like Django's locmem e-mail backend, so
development and tests read what would have been sent; production sets the gateway's adapter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

# Messages the in-memory backend "sent": (phone, text). Tests read and clear it.
outbox: list[tuple[str, str]] = []


class MemorySmsBackend:
    def send(self, to: str, text: str) -> None:
        outbox.append((to, text))


def sms_send_on_commit(*, to: str, text: str) -> None:
    """Send after the caller's transaction commits: a code is never sent for a write rolled back."""
    backend = import_string(getattr(settings, "SMS_BACKEND", "integrations.sms.MemorySmsBackend"))()
    transaction.on_commit(lambda: backend.send(to, text))
