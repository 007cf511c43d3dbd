"""Who files: the bank's identity and its DPO's contact, as printed on every document.

Deployments set them in the environment (`REGULATOR_ORG_*`, `REGULATOR_DPO_*`: config/settings.py reads
them into `REGULATOR_ORGANISATION`, a dict with the keys below). The demo's values stand in only with
`DEMO` on: in production a filing to A05 naming the demo bank would be worse than one that cannot go,
and `regulator.checks` stops a node where any is unset.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

ORGANISATION_KEYS = ("name", "registration_number", "address", "dpo_name", "dpo_email", "dpo_phone")

_DEMO = {
    "name": "Ngân hàng TMCP Quyền Dữ Liệu (demo)",
    "registration_number": "0100000000",
    "address": "1 Phố Demo, Hoàn Kiếm, Hà Nội",
    "dpo_name": "Bộ phận Bảo vệ dữ liệu cá nhân",
    "dpo_email": "dpo@example.vn",
    "dpo_phone": "+84 24 0000 0000",
}


def organisation_missing() -> list[str]:
    """The keys the deployment has not set (the demo's values do not count)."""
    configured = getattr(settings, "REGULATOR_ORGANISATION", {})
    return [key for key in ORGANISATION_KEYS if not configured.get(key)]


def organisation_email_invalid() -> str | None:
    """The DPO e-mail the deployment set, when it is no address (Form 08 gives it A05 to reply to)."""
    typed = getattr(settings, "REGULATOR_ORGANISATION", {}).get("dpo_email")
    if not typed:
        return None
    try:
        validate_email(typed)
    except ValidationError:
        return typed
    return None


def organisation() -> dict[str, str]:
    fallback = _DEMO if settings.DEMO else dict.fromkeys(ORGANISATION_KEYS, "")
    configured = getattr(settings, "REGULATOR_ORGANISATION", {})
    return {**fallback, **{key: value for key, value in configured.items() if value}}
