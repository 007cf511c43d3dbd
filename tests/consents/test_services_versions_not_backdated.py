"""A new version takes effect now or later, never in the past: a backdated version would rewrite which
notice was in force when customers already consented (their records name the older version), what the
check as of a past moment answers and what past months' reports counted. The past is recorded only as
history before every version (`notice_record_historical`), audited as such."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import NoticeVersion
from core.errors import InvalidInput
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_narrowing_dated_in_the_past_is_refused_and_changes_nothing():
    now = timezone.now()
    insurer, other = make_recipient("Bảo hiểm A"), make_recipient("Bảo hiểm B")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[insurer, other], effective_at=now - timedelta(days=60)
    )
    grant(make_subject(), purpose, now=now - timedelta(days=10))  # to v1, the version in force then
    with pytest.raises(InvalidInput) as error:
        services.purpose_update(
            actor=STAFF, code=purpose.code, changes={}, recipients=[insurer],
            effective_at=now - timedelta(days=20), now=now,
        )
    assert error.value.field == "effective_at"
    assert list(NoticeVersion.objects.filter(purpose=purpose).values_list("version", flat=True)) == ["v1"]
    assert set(purpose.recipients.all()) == {insurer, other}


def test_a_narrowing_dated_a_few_seconds_ago_takes_effect_now():
    # A client that sends "now" by its own clock, a moment behind the server's, means at once.
    now = timezone.now()
    insurer, other = make_recipient("Bảo hiểm A"), make_recipient("Bảo hiểm B")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[insurer, other], effective_at=now - timedelta(days=60)
    )
    services.purpose_update(
        actor=STAFF, code=purpose.code, changes={}, recipients=[insurer],
        effective_at=now - timedelta(seconds=5), now=now,
    )
    latest = NoticeVersion.objects.filter(purpose=purpose).latest("effective_at")
    assert latest.effective_at == now
    assert list(purpose.recipients.all()) == [insurer]


def test_a_first_notice_dated_in_the_past_is_refused():
    now = timezone.now()
    purpose = make_purpose("marketing-new", category="marketing", version="")
    with pytest.raises(InvalidInput) as error:
        services.notice_publish(
            actor=STAFF, code=purpose.code, version="v1", text_vi="Nội dung", text_en="Text",
            effective_at=now - timedelta(days=400), now=now,
        )
    assert error.value.field == "effective_at"
    assert not NoticeVersion.objects.filter(purpose=purpose).exists()


def test_the_api_answers_a_backdated_or_one_language_version_with_a_400_naming_the_field(as_user, dpo):
    insurer, other = make_recipient("Bảo hiểm A"), make_recipient("Bảo hiểm B")
    make_purpose("sharing", category="sharing", recipients=[insurer, other],
                 effective_at=timezone.now() - timedelta(days=60))
    client = as_user(dpo)
    backdated = client.patch(
        "/api/v1/purposes/sharing/",
        {"recipients": [insurer.pk], "effective_at": (timezone.now() - timedelta(days=20)).isoformat()},
        format="json",
    )
    assert backdated.status_code == 400 and "effective_at" in backdated.json(), backdated.json()
    one_language = client.patch(
        "/api/v1/purposes/sharing/",
        {"recipients": [insurer.pk], "notice_text_vi": "Chỉ chia sẻ với Bảo hiểm A"},
        format="json",
    )
    assert one_language.status_code == 400 and "notice_text_en" in one_language.json(), one_language.json()
    assert NoticeVersion.objects.filter(purpose__code="sharing").count() == 1
