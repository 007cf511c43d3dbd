"""What a job page shows of a background job: `job_progress` with its sentences in the active language.

Shared by every job page (the consent import, the breach mailing...): each passes the sentence that
says what its rows are, with `%(done)s`, `%(total)s` and `%(refused)s` placeholders.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from integrations.jobs import job_progress
from integrations.models import BackgroundJob


def job_progress_page(job: BackgroundJob, *, summary: str) -> dict[str, Any]:
    progress = job_progress(job)
    values = {
        "done": number_format(progress["rows_done"], force_grouping=True),
        "total": (
            number_format(progress["rows_total"], force_grouping=True) if progress["rows_total"] else "…"
        ),
        "refused": number_format(progress["rows_refused"], force_grouping=True),
    }
    progress["summary"] = summary % values
    seconds = progress["seconds_left"]
    if progress["finished"] or seconds is None:
        progress["eta"] = ""
    elif seconds < 60:
        progress["eta"] = _("Less than a minute left.")
    else:
        progress["eta"] = ngettext("About %(minutes)s minute left.", "About %(minutes)s minutes left.",
                                   round(seconds / 60)) % {"minutes": round(seconds / 60)}
    return progress
