"""Start-up check: outside the demo, the bank that files with A05 and its DPO are set
(`REGULATOR_ORG_*`, `REGULATOR_DPO_*`, docs/deployment.md). Without them Form 08 went to the authority
naming the demo bank; now `check`, `migrate` and `runserver` stop instead (regulator.E001), as they do
for a DPO e-mail that is no address (regulator.E002)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error

from regulator.organisation import organisation_email_invalid, organisation_missing


def check_regulator_organisation_set(app_configs=None, **kwargs) -> list[CheckMessage]:
    mistyped = organisation_email_invalid()
    if mistyped is not None:
        # Even in the demo: a set value is printed as typed, and the authority's reply would go nowhere.
        return [
            Error(
                f"REGULATOR_DPO_EMAIL is not an e-mail address: {mistyped!r}.",
                hint="Set it to the address the authority (A05) writes to the DPO at, e.g. dpo@bank.com.vn.",
                id="regulator.E002",
            )
        ]
    if settings.DEMO:
        return []
    missing = organisation_missing()
    if not missing:
        return []
    variables = ", ".join(settings.REGULATOR_ORGANISATION_ENV[key] for key in missing)
    return [
        Error(
            f"The bank that files with the authority (A05) is not fully set: {variables}.",
            hint="Set these environment variables to the bank's name, registration number, address and its "
            "DPO's name, e-mail and phone (docs/deployment.md); only the demo (DEMO=true) prints its own.",
            id="regulator.E001",
        )
    ]
