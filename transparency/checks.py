"""System check of the transparency area: outside the demo, `manage.py check` warns while customers'
privacy pages still show the DPO contact a fresh database starts with (the demo bank's
dpo@nganhang.example and 1900 0000): a customer who writes or calls there to exercise a right or
complain reaches nobody at the bank (Law 91/2025 obliges the bank to say whom to contact)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning
from django.db import DatabaseError

from transparency.models import TextKind
from transparency.selectors import text_still_placeholder


def dpo_contact_check(app_configs=None, **kwargs) -> list[Warning]:
    if settings.DEMO:
        return []
    try:
        placeholder = text_still_placeholder(TextKind.DPO_CONTACT)
    except DatabaseError:
        # Before the first migrate there is no text to read yet.
        return []
    if not placeholder:
        return []
    return [
        Warning(
            "Customers' privacy pages show the demo bank's DPO contact (dpo@nganhang.example, 1900 0000).",
            hint="Sign in as the DPO and publish the bank's own contact on Portal → Customer information "
            "(/portal/customer-information/).",
            id="transparency.W001",
        )
    ]
