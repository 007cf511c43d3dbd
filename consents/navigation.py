"""Menu entries, dashboard cards and the customer-page panel of the consents app."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    pass
