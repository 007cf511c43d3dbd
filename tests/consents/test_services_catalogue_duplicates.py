"""The catalogue refuses what it cannot hold: a second purpose code, recipient name or notice
version is a 409 naming the field, decided by the unique index; a field it does not know is a 400."""

from __future__ import annotations

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
