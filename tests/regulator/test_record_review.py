"""The DPO's year-end review of the record of processing activities leaves a record an inspector can
read: who reviewed it, when, what they found, and the register it was done on (its number of entries
and fingerprint). Before, a review left no trace on the platform at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from regulator.models import RecordReview

pytestmark = pytest.mark.django_db
URL = "/portal/processing-record/review/"


def test_the_dpo_records_the_review_and_the_page_shows_who_and_when(client, dpo):
    client.force_login(dpo)
    page = client.get(reverse("regulator:processing_record")).content.decode()
    assert 'data-testid="record-not-reviewed"' in page  # no review this year yet

    response = client.post(URL, {"findings": "Mục đích khảo sát 2024 không còn dùng; đã tắt."})
    assert response.status_code == 302
    review = RecordReview.objects.get()
    assert (review.reviewed_by, review.findings) == (dpo, "Mục đích khảo sát 2024 không còn dùng; đã tắt.")
    assert len(review.record_fingerprint) == 64
    entry = AuditEntry.objects.get(action="regulator.record.reviewed")
    assert entry.data == {"entries": review.entries, "fingerprint": review.record_fingerprint}

    page = client.get(reverse("regulator:processing_record")).content.decode()
    assert 'data-testid="record-reviews"' in page and dpo.get_username() in page
    assert 'data-testid="record-not-reviewed"' not in page


def test_a_review_says_what_it_found(client, dpo):
    client.force_login(dpo)
    response = client.post(URL, {"findings": "   "})
    assert response.status_code == 200
    assert not RecordReview.objects.exists()


def test_the_auditor_reads_the_reviews_but_records_none(client, auditor):
    client.force_login(auditor)
    assert client.post(URL, {"findings": "ok"}).status_code == 403
    assert not RecordReview.objects.exists()
