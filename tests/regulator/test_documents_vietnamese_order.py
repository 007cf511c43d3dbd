"""The record of processing activities and the dossier page name a purpose's recipients in Vietnamese
alphabetical order; the dossier's facts keep the order their fingerprint was taken over, so a dossier
is not given a new version for a change of order alone."""

from __future__ import annotations

import pytest
from django.utils import timezone

from regulator.documents import dossier_facts, processing_record
from regulator.models import Dossier
from tests.consents.factories import make_purpose, make_recipient

pytestmark = pytest.mark.django_db

NAMES = ("Zeta Partners", "Đông Á Insurance", "Bảo Việt Nhân thọ", "Ánh Dương Card Printing")


def test_the_processing_record_names_recipients_in_vietnamese_alphabetical_order():
    make_purpose("sharing", recipients=[make_recipient(name) for name in NAMES])
    entry = next(e for e in processing_record()["entries"] if e["purpose"] == "sharing")
    assert [r["name"] for r in entry["recipients"]] == [
        "Ánh Dương Card Printing", "Bảo Việt Nhân thọ", "Đông Á Insurance", "Zeta Partners"
    ]


def test_a_dossiers_facts_keep_the_order_their_fingerprint_is_taken_over():
    purpose = make_purpose("sharing", recipients=[make_recipient(name) for name in NAMES])
    dossier = Dossier(purpose=purpose, kind="processing", started_at=timezone.now(), due_at=timezone.now())
    # By code point, as the database gave them when the fingerprints of the versions filed were taken.
    assert [r["name"] for r in dossier_facts(dossier)["recipients"]] == sorted(NAMES)
