"""Helpers shared by the request pages."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from dsr.states import OPEN

DUE_SOON_SECONDS = 24 * 3600


def deadline_tone(request_obj, now=None) -> str:
    """ "danger" when overdue, "warn" within 24 hours, "ok" otherwise, by the binding date (the earlier
    of the bank's and the statutory deadline); "" once closed or while every clock stands still."""
    answer_by = request_obj.answer_by
    if request_obj.status not in OPEN or answer_by is None:
        return ""
    left = (answer_by - (now or timezone.now())).total_seconds()
    if left < 0:
        return "danger"
    return "warn" if left <= DUE_SOON_SECONDS else "ok"


def attachment(download) -> HttpResponse:
    """A built export as a file to save. Every answer to a signed-in caller is already marked
    `no-store` (core.middleware.NoStoreForSignedInMiddleware)."""
    response = HttpResponse(download.body, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response
