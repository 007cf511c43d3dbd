"""Vietnamese typed on a Mac (or pasted from a PDF, or typed with Unikey's "Unicode tổ hợp") arrives
decomposed (NFD: "A" + U+0301 for "Á"); typed with Unikey/EVKey on Windows it arrives composed (NFC).
Both are the same name to the officer, the customer and every recipient: the record stores one form
(NFC), and retyping a name in the other form is no rectification passed on to recipients."""

from __future__ import annotations

import unicodedata

import pytest

from audit.models import AuditEntry
from consents.models import WithdrawalDuty
from core.errors import InvalidInput
from dsr.selectors import request_corrections
from subjects.models import DataSubject
from subjects.selectors import personal_value_masked, subject_search
from subjects.services import subject_rectify
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Ánh Tuyết"
ADDRESS = "Số 5 ngõ 12 phố Đặng Tiến Đông, phường Trung Liệt, quận Đống Đa, Hà Nội"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_a_name_typed_on_a_mac_is_stored_as_the_same_name_typed_on_windows():
    subject = make_subject(full_name=nfd(NAME), address=nfd(ADDRESS), passport_number=nfd("bđ123456"))
    subject.refresh_from_db()
    assert subject.full_name == NAME
    assert subject.address == ADDRESS
    assert subject.passport_number == "BĐ123456"


def test_a_corrected_name_typed_on_a_mac_is_stored_composed():
    subject = make_subject(full_name="Nguyễn Văn A")
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"full_name": nfd(NAME)}, reason="typo")
    subject.refresh_from_db()
    assert subject.full_name == NAME


def test_retyping_the_same_name_on_a_mac_is_not_a_rectification_passed_on_to_recipients(client_user):
    insurer = make_recipient("Bảo hiểm Đối tác", client=client_user, url="https://insurer.example/hook")
    subject = make_subject(full_name=NAME, address=ADDRESS)
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))

    subject_rectify(actor=STAFF, subject_id=subject.pk,
                    changes={"full_name": nfd(NAME), "address": nfd(ADDRESS)}, reason="counter check")

    # Nothing changed: no rectification in the audit, no correction notice the insurer must
    # act on and acknowledge within the deadline.
    assert not AuditEntry.objects.filter(action="core.subject.rectified", subject_id=subject.pk).exists()
    assert not WithdrawalDuty.objects.filter(
        recipient=insurer, kind=WithdrawalDuty.Kind.RECTIFICATION
    ).exists()


def test_a_name_stored_decomposed_before_is_not_changed_by_the_same_name_typed_composed(client_user):
    """Rows written before names were composed keep their stored form (they are encrypted, and
    rewriting them is no correction); the same name typed again is still no change."""
    insurer = make_recipient("Bảo hiểm Đối tác", client=client_user, url="https://insurer.example/hook")
    subject = make_subject(full_name=NAME, address=ADDRESS)
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    DataSubject.objects.filter(pk=subject.pk).update(full_name=nfd(NAME), address=nfd(ADDRESS))

    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"full_name": NAME, "address": ADDRESS},
                    reason="counter check")

    assert not AuditEntry.objects.filter(action="core.subject.rectified", subject_id=subject.pk).exists()
    assert not WithdrawalDuty.objects.filter(
        recipient=insurer, kind=WithdrawalDuty.Kind.RECTIFICATION
    ).exists()


def test_the_200_character_limit_counts_the_name_as_composed():
    name = ("Nguyễn Thị Ánh Tuyết " * 10)[:200]
    assert len(nfd(name)) > 200
    subject = make_subject(full_name=nfd(name))
    subject.refresh_from_db()
    assert subject.full_name == name.strip()
    with pytest.raises(InvalidInput):
        make_subject(full_name=name + "x")


def test_a_rectification_request_keeps_its_corrected_name_composed(subject):
    """Its 500-character limit, too, counts the composed text."""
    request = make_request(subject, type="rectify", corrections={"full_name": nfd(NAME)})
    assert request_corrections(request) == {"full_name": NAME}


def test_an_e_mail_with_a_vietnamese_domain_typed_on_a_mac_is_found_as_typed_on_windows():
    subject = make_subject(email=nfd("khach@ví-dụ.vn"))
    assert list(subject_search("khach@ví-dụ.vn")) == [subject]


def test_a_name_stored_decomposed_before_is_masked_with_its_accented_initials():
    assert personal_value_masked("full_name", nfd("Ánh Đặng")) == "Á*** Đ***"
