"""The reference of the document that proved a guardian's authority (free text: staff write the birth
certificate's number, the child's name and date of birth) is the child's personal data: it is kept on the
child's record, encrypted, where the child's erasure reaches it, never in the append-only audit trail,
which says only which kind of document was seen and keeps a fingerprint salted with the child's secret."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import Actor
from dsr.models import DataCategory
from dsr.services.erasure import erase
from subjects.models import DataSubject
from tests.dsr.factories import make_platform
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
EVIDENCE = "Giấy khai sinh số 0456/2019 của cháu Nguyễn Bảo Probe, sinh 03/02/2019"
STAFF = Actor.system("tests.guardian")


def _verify(as_user, officer, child, **body):
    answer = as_user(officer).post(
        f"/api/v1/subjects/{child.pk}/verify-guardian/", {"evidence": EVIDENCE, **body}, format="json"
    )
    assert answer.status_code == 200, answer.content
    return answer


def test_the_evidence_is_not_kept_in_clear_in_the_audit_trail(as_user, officer):
    child = make_subject(guardian=make_subject(), national_id="", phone="", email="")
    _verify(as_user, officer, child, document="court_decision")
    clear = [
        (e.action, e.data)
        for e in AuditEntry.objects.filter(subject_id=child.pk)
        if "Probe" in json.dumps(e.data, ensure_ascii=False)
    ]
    assert clear == []
    entry = AuditEntry.objects.get(action="core.subject.guardian_verified", subject_id=child.pk)
    assert entry.data["document"] == "court_decision"
    assert entry.data["evidence_fingerprint"]


def test_the_evidence_is_kept_encrypted_on_the_childs_record(as_user, officer):
    child = make_subject(guardian=make_subject(), national_id="", phone="", email="")
    _verify(as_user, officer, child)
    assert DataSubject.objects.get(pk=child.pk).guardian_evidence == EVIDENCE
    with connection.cursor() as cursor:
        cursor.execute("SELECT guardian_evidence FROM core_datasubject WHERE id = %s", [child.pk.hex])
        stored = cursor.fetchone()
    if stored is None:  # PostgreSQL keys the uuid column by its canonical text
        with connection.cursor() as cursor:
            cursor.execute("SELECT guardian_evidence FROM core_datasubject WHERE id = %s", [str(child.pk)])
            stored = cursor.fetchone()
    assert stored[0] and "Probe" not in stored[0]


def test_the_childs_erasure_of_their_identity_reaches_the_evidence(as_user, officer):
    child = make_subject(guardian=make_subject(), national_id="", phone="", email="")
    _verify(as_user, officer, child)
    platform = make_platform()
    erase(
        child.pk,
        category=DataCategory.objects.get(code="identity"),
        system=platform,
        actor=STAFF,
        now=timezone.now(),
    )
    assert DataSubject.objects.get(pk=child.pk).guardian_evidence == ""
