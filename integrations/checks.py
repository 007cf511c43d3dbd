"""Deployment checks of the integrations area: `manage.py check --deploy` warns while e-mails or SMS
would be written as files under VAR_DIR (the embedded defaults, for the demo and the tests) rather
than sent: such files keep customers' addresses and messages on disk, where no erasure or purge of the
outbox reaches them, and nobody receives them. It warns too while the links the messages carry
(`SITE_URL`) lead to this machine: a customer's phone opening http://localhost:8000 reaches nothing of
the bank's. And it warns while customers' messages would come from no sender the bank owns: e-mail from
the default no-reply@quyendulieu.local, SMS through the gateway with no brandname, or naming no hotline."""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning

FILE_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
# Host names that lead back to the machine reading the link, not to the bank's portal.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})  # noqa: S104 (names, not a bind)
# Domains nobody owns on the internet (RFC 2606, RFC 6762): mail "from" them is refused or filed as spam.
UNOWNED_DOMAIN_ENDINGS = (".local", ".localhost", ".example", ".invalid", ".test")


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


def _domain_unowned(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return not domain or domain in LOCAL_HOSTS or f".{domain}".endswith(UNOWNED_DOMAIN_ENDINGS)


def sender_check(app_configs=None, **kwargs) -> list[Warning]:
    """Customers' messages must come from a sender the bank owns: a receipt or a withdrawal's
    confirmation from an unknown address or a bare number reads as a scam, or never arrives."""
    if settings.DEBUG:
        return []
    warnings = []
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if _domain_unowned(address.rpartition("@")[2]):
        warnings.append(
            Warning(
                f"Customers' e-mails are sent from {settings.DEFAULT_FROM_EMAIL}, "
                "a domain the bank does not own.",
                hint="Set DEFAULT_FROM_EMAIL to an address of the bank's own domain, e.g. "
                "\"Ngân hàng ... <no-reply@bank.vn>\" (docs/deployment.md).",
                id="integrations.W004",
            )
        )
    if settings.SMS_GATEWAY_URL and not settings.SMS_SENDER:
        warnings.append(
            Warning(
                "Text messages go through the SMS gateway with no sender name.",
                hint="Set SMS_SENDER to the bank's registered brandname (docs/deployment.md).",
                id="integrations.W005",
            )
        )
    if not settings.BANK_HOTLINE:
        warnings.append(
            Warning(
                "Customers' messages give no hotline: a breach notice says \"call the hotline\" "
                "with no number.",
                hint="Set BANK_HOTLINE to the bank's customer hotline, e.g. 1900 1234 (docs/deployment.md).",
                id="integrations.W006",
            )
        )
    return warnings
