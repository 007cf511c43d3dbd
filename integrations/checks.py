"""Deployment checks of the integrations area: `manage.py check --deploy` warns while e-mails or SMS
would be written as files under VAR_DIR (the embedded defaults, for the demo and the tests) rather
than sent: such files keep customers' addresses and messages on disk, where no erasure or purge of the
outbox reaches them, and nobody receives them."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning

FILE_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def file_backends_check(app_configs=None, **kwargs) -> list[Warning]:
    if settings.DEBUG:
        return []
    warnings = []
    if settings.EMAIL_BACKEND == FILE_EMAIL_BACKEND:
        warnings.append(
            Warning(
                f"E-mails are written as files under {settings.EMAIL_FILE_PATH}, not sent.",
                hint="Set EMAIL_URL to the bank's mail server (docs/deployment.md).",
                id="integrations.W001",
            )
        )
    if not settings.SMS_GATEWAY_URL:
        warnings.append(
            Warning(
                f"SMS are written as files under {settings.SMS_FILE_PATH}, not sent.",
                hint="Set SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN to the bank's SMS gateway "
                "(docs/deployment.md).",
                id="integrations.W002",
            )
        )
    return warnings
