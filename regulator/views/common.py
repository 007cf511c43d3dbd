"""Shared by the regulator pages: JSON downloads, audited."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse

from audit.services import audit_record
from core.actors import actor_for_user


def json_download(
    request, data: dict[str, Any], *, filename: str, action: str, target=None, audit_data: dict | None = None
) -> HttpResponse:
    """The document as a JSON file; a copy leaving the platform is audited (who took which document)."""
    with transaction.atomic(durable=True):
        audit_record(
            action=action,
            actor=actor_for_user(request.user),
            target=target,
            data={"format": "json", **(audit_data or {})},
        )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
