"""Shared by the regulator pages: JSON downloads, audited."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from core.actors import actor_for_user
from regulator.services import document_export_record


def json_download(
    request, data: dict[str, Any], *, filename: str, action: str, target=None, audit_data: dict | None = None
) -> HttpResponse:
    """The document as a JSON file; a copy leaving the platform is audited (who took which document)."""
    document_export_record(
        actor=actor_for_user(request.user), action=action, fmt="json", target=target, data=audit_data
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
