"""A customer's deletion and her representatives: the record of one through whom an act was done (a
consent event, a request) is that act's proof of authority and is kept with it; one never acted through is
erased with the customer (name, identity number and its blind index, the document's reference, the
revocation's reason), counted in the `dsr.platform.erased` entry."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from dsr import services
from subjects.models import Representative
from tests.dsr.factories import STAFF, make_platform
from tests.dsr.test_erasure_beyond_own_requests import _complete_deletion
from tests.factories import make_representative, make_subject

pytestmark = pytest.mark.django_db


def test_a_deletion_erases_the_representatives_never_acted_through_and_keeps_the_others(privacy_officer, dpo):
    make_platform()
    mother = make_subject()
    son = make_representative(mother, scope="both")
    lawyer = make_representative(mother, full_name="Trần Thị Lan", id_number="079000000999",
                                 document_reference="POA 5/2026, Notary No. 8")
    filed = services.request_create(actor=STAFF, subject=mother, type="access", channel="branch",
                                    representative_id_number="001090000123", now=timezone.now())
    services.request_cancel(actor=STAFF, request_id=filed.pk)

    _complete_deletion(mother, privacy_officer, dpo)

    lawyer, son_after = Representative.objects.get(pk=lawyer.pk), Representative.objects.get(pk=son.pk)
    assert (lawyer.full_name, lawyer.id_number, lawyer.id_number_index, lawyer.document_reference) == (
        "", "", "", ""
    )
    assert (son_after.full_name, son_after.document_reference) == (son.full_name, son.document_reference)
    erased = AuditEntry.objects.filter(action="dsr.platform.erased", subject_id=mother.pk).latest("sequence")
    assert erased.data["representatives"] == 1
