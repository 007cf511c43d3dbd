"""Start-up check: outside the demo, the bank that files with A05 and its DPO are set
(`REGULATOR_ORG_*`, `REGULATOR_DPO_*`, docs/deployment.md). Without them Form 08 went to the authority
naming the demo bank; now `check`, `migrate` and `runserver` stop instead (regulator.E001)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error

from regulator.organisation import organisation_missing


def check_regulator_organisation_set(app_configs=None, **kwargs) -> list[CheckMessage]:
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
