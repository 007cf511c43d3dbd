"""Start-up checks of the bank's notification settings: a channel misspelt in `NOTIFY_DEFAULT_CHANNELS`
was skipped silently (customers who had not chosen were reached in the inbox only), and a fallback after
fewer than one attempt gave up on a channel before trying it (docs/deployment.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error

from notifications.models import Channel


def default_channels_check(app_configs=None, **kwargs) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    unknown = [channel for channel in settings.NOTIFY_DEFAULT_CHANNELS if channel not in Channel.values]
    if unknown:
        errors.append(
            Error(
                f"NOTIFY_DEFAULT_CHANNELS names channels the platform does not have: {', '.join(unknown)}.",
                hint=f"List them from: {', '.join(Channel.values)}, in the order to try them.",
                id="notifications.E001",
            )
        )
    if settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS < 1:
        errors.append(
            Error(
                f"NOTIFY_FALLBACK_AFTER_ATTEMPTS is {settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS}: "
                "a channel would be given up before it is tried.",
                hint="Set it to 1 or more (the default is 2).",
                id="notifications.E002",
            )
        )
    return errors
