"""Deployment checks of the integrations area: `manage.py check --deploy` warns while e-mails or SMS
would be written as files under VAR_DIR (the embedded defaults, for the demo and the tests) rather
than sent: such files keep customers' addresses and messages on disk, where no erasure or purge of the
outbox reaches them, and nobody receives them. It warns too while the links the messages carry
(`SITE_URL`) lead to this machine: a customer's phone opening http://localhost:8000 reaches nothing of
the bank's."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning

FILE_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
# Host names that lead back to the machine reading the link, not to the bank's portal.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})  # noqa: S104 (names, not a bind)


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


def site_url_check(app_configs=None, **kwargs) -> list[Warning]:
    if settings.DEBUG:
        return []
    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    if host and host not in LOCAL_HOSTS and not host.endswith(".localhost"):
        return []
    return [
        Warning(
            f"Links in customers' e-mails lead to {settings.SITE_URL}, not to the bank's portal.",
            hint="Set SITE_URL to the portal's public address, e.g. https://privacy.bank.vn "
            "(docs/deployment.md).",
            id="integrations.W003",
        )
    ]
