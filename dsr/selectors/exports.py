"""Until when the file an access or copy request's answer built can be downloaded."""

from __future__ import annotations

from datetime import datetime

from dsr.models import DataSubjectRequest, RequestExport


def request_download_until(request: DataSubjectRequest) -> datetime | None:
    """When the request's file stops being downloadable (None: the answer built no file)."""
    return RequestExport.objects.filter(request=request).values_list("expires_at", flat=True).first()
