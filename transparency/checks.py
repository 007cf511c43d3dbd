"""System check of the transparency area: outside the demo, `manage.py check` warns while customers'
privacy pages still show a text a fresh database starts with. The DPO contact (the demo bank's
dpo@nganhang.example and 1900 0000): a customer who writes or calls there to exercise a right or
complain reaches nobody at the bank (Law 91/2025 obliges the bank to say whom to contact). The privacy
notice: the demo bank's words, not what this bank processes, why and for how long (Decree 13/2023,
art. 13)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning
from django.db import DatabaseError

from transparency.models import TextKind
from transparency.selectors import text_still_placeholder

PUBLISH_HINT = ("Sign in as the DPO and publish the bank's own on Portal → Customer information "
                "(/portal/customer-information/).")
# Each text a fresh database starts with that the bank must replace, with what its warning says.
PLACEHOLDER_WARNINGS = {
    TextKind.DPO_CONTACT: (
        "Customers' privacy pages show the demo bank's DPO contact (dpo@nganhang.example, 1900 0000).",
        "transparency.W001",
    ),
    TextKind.PRIVACY_NOTICE: (
        "Customers' privacy pages show the demo bank's privacy notice, not the bank's own.",
        "transparency.W002",
    ),
}


def placeholder_texts_check(app_configs=None, **kwargs) -> list[Warning]:
    if settings.DEMO:
        return []
    try:
        still = [kind for kind in PLACEHOLDER_WARNINGS if text_still_placeholder(kind)]
    except DatabaseError:
        # Before the first migrate there is no text to read yet.
        return []
    return [
        Warning(PLACEHOLDER_WARNINGS[kind][0], hint=PUBLISH_HINT, id=PLACEHOLDER_WARNINGS[kind][1])
        for kind in still
    ]
