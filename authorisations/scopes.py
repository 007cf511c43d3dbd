"""The data scopes a third party may ask for, each in plain words for the consent screen.

All are read-only: a third party authorised here reads data through the bank's Open API and never
moves money or changes anything (Decree 117/2018 Art. 11.1.b disclosure on the customer's consent).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DATA_SCOPES = {
    "accounts:read": _("The list of your accounts: account type, currency and the last digits of the number"),
    "balances:read": _("The balances of your accounts"),
    "transactions:read": _("Your account transactions: date, amount, description and counterparty"),
    "profile:read": _("Your name and contact details held by the bank"),
}

SCOPE_CHOICES = tuple(DATA_SCOPES)


def scope_labels(scopes) -> list[dict[str, str]]:
    return [{"code": scope, "label": str(DATA_SCOPES.get(scope, scope))} for scope in scopes]


def unknown_scopes(scopes) -> list[str]:
    return sorted(set(scopes) - set(DATA_SCOPES))
