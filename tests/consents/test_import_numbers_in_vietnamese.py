"""Numbers in Vietnamese pages group thousands with a dot (12.345) and take a decimal comma; the
English pages write 12,345. "131,072" in a Vietnamese sentence reads as a hundred and thirty-one."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation

from consents.services import consent_import_start
from consents.services.import_rows import unreadable_error
from core.actors import Actor
from integrations.models import BackgroundJob

pytestmark = pytest.mark.django_db


def _job_with_progress(dpo) -> BackgroundJob:
    header = b"subject,purpose,notice_version,channel,evidence,granted_at\n"
    job = consent_import_start(actor=Actor.system("tests"), user=dpo, file=io.BytesIO(header),
                               filename="legacy.csv")
    BackgroundJob.objects.filter(pk=job.pk).update(rows_total=250000, rows_done=12345, rows_refused=1024)
    return job


@pytest.mark.parametrize("language, done, total, refused", [
    ("vi", "12.345", "250.000", "1.024"),
    ("en", "12,345", "250,000", "1,024"),
])
def test_the_import_progress_groups_thousands_the_way_the_page_language_does(
    dpo, logged_in, language, done, total, refused
):
    job = _job_with_progress(dpo)
    with translation.override(language):
        url = reverse("consents:import_job_progress", args=[job.pk])
    summary = logged_in(dpo).get(url).json()["summary"]
    assert done in summary and total in summary and refused in summary, summary


def test_the_vietnamese_message_for_an_unreadable_import_line_writes_the_limit_as_vietnamese_read_it():
    with translation.override("vi"):
        text = str(unreadable_error(7, 3).text)
    assert "131.072" in text and "131,072" not in text, text


@pytest.mark.parametrize("language, imported", [("vi", "12.345 "), ("en", "12,345 ")])
def test_the_count_of_rows_imported_before_an_unreadable_line_is_grouped_too(language, imported):
    with translation.override(language):
        text = str(unreadable_error(12400, 12345).text)
    assert imported in text and "12400" in text, text
