"""A purpose version's notice is one text in two languages: a change that rewrites it in one language
only would leave the other telling customers the old wording, and the receipt would prove two different
notices at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import NoticeVersion, Purpose
from core.errors import InvalidInput
from tests.consents.factories import STAFF, make_purpose, make_recipient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "missing"),
    [({"notice_text_vi": "Chỉ chia sẻ với Bảo hiểm A"}, "notice_text_en"),
     ({"notice_text_en": "Shared with Insurer A only"}, "notice_text_vi")],
)
def test_a_new_version_rewritten_in_one_language_only_is_refused(given, missing):
    now = timezone.now()
    insurer, other = make_recipient("Bảo hiểm A"), make_recipient("Bảo hiểm B")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[insurer, other], effective_at=now - timedelta(days=60)
    )
    with pytest.raises(InvalidInput) as error:
        services.purpose_update(
            actor=STAFF, code=purpose.code, changes={}, recipients=[insurer], now=now, **given
        )
    assert error.value.field == missing
    assert "both Vietnamese and English" in error.value.text
    assert list(purpose.notices.values_list("version", flat=True)) == ["v1"]
    assert list(purpose.recipients.all()) == [insurer, other]


def test_a_new_version_rewritten_in_both_languages_carries_both():
    now = timezone.now()
    insurer, other = make_recipient("Bảo hiểm A"), make_recipient("Bảo hiểm B")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[insurer, other], effective_at=now - timedelta(days=60)
    )
    services.purpose_update(
        actor=STAFF, code=purpose.code, changes={}, recipients=[insurer], now=now,
        notice_text_vi="Chỉ chia sẻ với Bảo hiểm A", notice_text_en="Shared with Insurer A only",
    )
    latest = NoticeVersion.objects.filter(purpose=purpose).latest("effective_at")
    assert (latest.text_vi, latest.text_en) == ("Chỉ chia sẻ với Bảo hiểm A", "Shared with Insurer A only")


def test_a_new_purpose_with_its_notice_in_one_language_only_is_refused():
    with pytest.raises(InvalidInput) as error:
        make_purpose("marketing-one-language", category="marketing", notice_text_vi="Chúng tôi gửi ưu đãi")
    assert error.value.field == "notice_text_en"
    assert not Purpose.objects.filter(code="marketing-one-language").exists()
