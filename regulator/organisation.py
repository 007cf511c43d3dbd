"""Who files: the bank's identity and its DPO's contact, as printed on every document.

Deployments set `REGULATOR_ORGANISATION` in settings (a dict with the keys below); the demo values
stand in until they do.
"""

from __future__ import annotations

from django.conf import settings

_DEFAULT = {
    "name": "Ngân hàng TMCP Quyền Dữ Liệu (demo)",
    "registration_number": "0100000000",
    "address": "1 Phố Demo, Hoàn Kiếm, Hà Nội",
    "dpo_name": "Bộ phận Bảo vệ dữ liệu cá nhân",
    "dpo_email": "dpo@example.vn",
    "dpo_phone": "+84 24 0000 0000",
}


def organisation() -> dict[str, str]:
    return {**_DEFAULT, **getattr(settings, "REGULATOR_ORGANISATION", {})}
