"""The catalogue refuses what it cannot hold: a second purpose code, recipient name or notice
version is a 409 naming the field, decided by the unique index; a field it does not know is a 400."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import NoticeVersion, Purpose, Recipient
from core.errors import Conflict, InvalidInput
from tests.consents.factories import STAFF, make_purpose, make_recipient, publish_notice

pytestmark = pytest.mark.django_db


def test_a_second_purpose_with_the_same_code_is_a_conflict():
    make_purpose("sharing")
    with pytest.raises(Conflict) as error:
        make_purpose("sharing")
    assert (error.value.code, error.value.field) == ("duplicate_code", "code")
    assert Purpose.objects.filter(code="sharing").count() == 1


def test_a_second_recipient_with_the_same_name_is_a_conflict():
    make_recipient("Partner Insurance")
    with pytest.raises(Conflict) as error:
        services.recipient_create(actor=STAFF, name="Partner  Insurance", kind="partner")
    assert (error.value.code, error.value.field) == ("duplicate_name", "name")
    assert Recipient.objects.count() == 1


def test_a_notice_version_published_twice_is_a_conflict():
    purpose = make_purpose("sharing", version="v1")
    with pytest.raises(Conflict) as error:
        publish_notice(purpose.code, "v1", effective_at=timezone.now() + timedelta(days=40), actor=STAFF)
    assert (error.value.code, error.value.field) == ("duplicate_version", "version")
    assert NoticeVersion.objects.filter(purpose=purpose).count() == 1


def test_a_purpose_field_the_catalogue_does_not_know_is_refused_on_create_and_update():
    with pytest.raises(InvalidInput) as error:
        make_purpose("sharing", colour="blue")
    assert "colour" in error.value.text
    purpose = make_purpose("sharing")
    with pytest.raises(InvalidInput) as error:
        services.purpose_update(actor=STAFF, code=purpose.code, changes={"colour": "blue"})
    assert "colour" in error.value.text


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_a_recipient_typed_again_on_a_mac_is_the_same_recipient():
    """Vietnamese typed on a Mac arrives decomposed (NFD); the name is stored composed (NFC)."""
    make_recipient("Công ty Bảo hiểm Nhân thọ Đối tác")
    with pytest.raises(Conflict) as error:
        services.recipient_create(actor=STAFF, name=nfd("Công ty Bảo hiểm Nhân thọ Đối tác"), kind="partner")
    assert (error.value.code, error.value.field) == ("duplicate_name", "name")
    assert Recipient.objects.count() == 1
    assert make_recipient(nfd("Thẻ Đông Á")).name == "Thẻ Đông Á"


def test_a_recipient_stored_decomposed_before_is_the_same_recipient_typed_composed():
    """Names stored before they were composed are left as they are (a purpose's versions and dossiers
    hold them); the duplicate check compares them composed."""
    recipient = make_recipient("Thẻ Đông Á")
    Recipient.objects.filter(pk=recipient.pk).update(name=nfd("Thẻ Đông Á"))
    with pytest.raises(Conflict):
        services.recipient_create(actor=STAFF, name="Thẻ  Đông Á", kind="partner")
    assert Recipient.objects.count() == 1
