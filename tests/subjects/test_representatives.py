"""An adult customer's representative: someone acting for her on a power of attorney or a court's
appointment, recorded with the document, what it covers and for how long, revocable; its identity number
encrypted with a blind index; every write audited."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import Conflict, InvalidInput
from subjects.crypto import blind_index
from subjects.models import Representative
from subjects.representatives import representative_record, representative_revoke
from subjects.selectors import representative_for_act
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _record(officer, subject, **changes) -> Representative:
    fields = {
        "full_name": "Nguyễn Văn Nam", "id_number": "001090000123", "relationship": "Son",
        "authority": "power_of_attorney", "document_reference": "POA 12/2026, Notary Office No. 3 Hanoi",
        "document_date": date(2026, 1, 10), "scope": "consents", "valid_from": date(2026, 1, 10),
        "valid_until": date(2027, 1, 9),
    }
    return representative_record(
        actor=actor_for_user(officer), subject_id=subject.pk, **{**fields, **changes}
    )


def test_a_representative_is_recorded_with_the_id_number_encrypted_and_indexed(officer):
    mother = make_subject()
    son = _record(officer, mother, id_number=" 001090000123 ")
    son = Representative.objects.get(pk=son.pk)
    assert son.id_number == "001090000123"
    assert son.id_number_index == blind_index("001090000123")
    assert son.recorded_by_label
    entry = AuditEntry.objects.get(action="core.subject.representative_recorded", subject_id=mother.pk)
    assert entry.data["authority"] == "power_of_attorney" and entry.data["scope"] == "consents"
    assert "001090000123" not in str(entry.data) and "Nam" not in str(entry.data)


@pytest.mark.parametrize("changes, field", [
    ({"valid_until": date(2025, 12, 31)}, "valid_until"),
    ({"valid_from": date(2026, 1, 9)}, "valid_from"),
    ({"id_number": "12-34"}, "id_number"),
    ({"authority": "friend"}, "authority"),
    ({"scope": "everything"}, "scope"),
    ({"full_name": "  "}, "full_name"),
    ({"document_reference": ""}, "document_reference"),
])
def test_a_record_that_cannot_be_right_is_refused_on_its_field(officer, changes, field):
    mother = make_subject()
    with pytest.raises(InvalidInput) as refused:
        _record(officer, mother, **changes)
    assert refused.value.field == field
    assert not Representative.objects.exists()


def _hanoi(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_the_authority_must_be_in_force_and_cover_the_act(officer):
    mother = make_subject()
    son = _record(officer, mother)
    assert representative_for_act(subject_id=mother.pk, representative_id=son.pk, act="consents",
                                  at=_hanoi(date(2026, 6, 1))) == son
    for act, on in (("requests", date(2026, 6, 1)), ("consents", date(2027, 1, 10)),
                    ("consents", date(2026, 1, 9))):
        with pytest.raises(InvalidInput) as refused:
            representative_for_act(subject_id=mother.pk, representative_id=son.pk, act=act, at=_hanoi(on))
        assert refused.value.field == "representative"
    other = make_subject()
    with pytest.raises(InvalidInput):
        representative_for_act(subject_id=other.pk, representative_id=son.pk, act="consents",
                               at=_hanoi(date(2026, 6, 1)))


def test_a_revoked_authority_no_longer_covers_anything_and_the_revocation_is_audited(officer):
    mother = make_subject()
    son = _record(officer, mother, scope="both", valid_until=None)
    representative_revoke(actor=actor_for_user(officer), subject_id=mother.pk, representative_id=son.pk,
                          reason="The customer revoked the power of attorney at the branch.")
    son.refresh_from_db()
    assert son.revoked_at is not None and son.revoke_reason.startswith("The customer revoked")
    revoked = AuditEntry.objects.filter(action="core.subject.representative_revoked", subject_id=mother.pk)
    assert revoked.exists()
    with pytest.raises(InvalidInput):
        representative_for_act(subject_id=mother.pk, representative_id=son.pk, act="requests",
                               at=son.revoked_at)
    with pytest.raises(Conflict):
        representative_revoke(actor=actor_for_user(officer), subject_id=mother.pk, representative_id=son.pk,
                              reason="again")


def test_a_revocation_says_why(officer):
    mother = make_subject()
    son = _record(officer, mother)
    with pytest.raises(InvalidInput) as refused:
        representative_revoke(actor=actor_for_user(officer), subject_id=mother.pk, representative_id=son.pk,
                              reason=" ")
    assert refused.value.field == "reason"
