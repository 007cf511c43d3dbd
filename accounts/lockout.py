"""The page django-axes shows instead of signing in once a username is locked on this address."""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    return render(request, "accounts/locked_out.html",
                  {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
