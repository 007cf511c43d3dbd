"""The staff portal's page of a purpose's notice versions over the years (read-only)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from consents import selectors
from core.access import found_or_404, staff_required


@staff_required("consents.view_purpose")
def purpose_versions(request, code):
    purpose = found_or_404(selectors.purpose_by_code(code))
    history = selectors.notice_version_history(purpose, now=timezone.now())
    return render(request, "consents/purpose_versions.html", {"purpose": purpose, "history": history})
