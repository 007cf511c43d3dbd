"""The banner of upcoming changes on the customer's consents page says what the e-mail and the *Upcoming
changes* page say: what a widening reaches further than before, and, for a version moving the purpose off
consent, that the processing no longer depends on consent rather than that consent will be asked again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import NoticeAnnouncement
from consents.services.announcements import announcement_send
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db


def _announced(code: str, *, changes: dict, recipients=None) -> None:
    services.purpose_update(
        actor=STAFF, code=code, changes=changes, recipients=recipients,
        effective_at=timezone.now() + timedelta(days=31), now=timezone.now(),
    )
    announcement = NoticeAnnouncement.objects.get(notice__purpose__code=code)
    announcement_send(actor=STAFF, announcement_id=announcement.pk, now=announcement.send_at)


def _banner_line(page: str, code: str) -> str:
    return page.split(f'data-testid="upcoming-{code}"')[1].split("<details>")[0]


@pytest.mark.parametrize(
    ("prefix", "asked_again", "not_consent", "new_recipient", "new_basis"),
    [
        ("/en", "will ask for your consent again", "no longer depends on your consent",
         "New recipients of your data: New Partner.", "New legal basis: Contract."),
        ("", "sẽ hỏi lại sự đồng ý", "không còn phụ thuộc vào sự đồng ý",
         "Bên nhận mới dữ liệu của bạn: Đối tác Mới.", "Cơ sở pháp lý mới: Hợp đồng."),
    ],
)
def test_the_consents_page_banner_says_what_changes_and_whether_consent_is_asked(
    client, django_capture_on_commit_callbacks, prefix, asked_again, not_consent, new_recipient, new_basis
):
    before = timezone.now() - timedelta(days=60)
    insurer = make_recipient("Bảo hiểm Đối tác", name_en="Partner Insurance")
    purposes = [
        make_purpose("sharing", category="sharing", recipients=[insurer], effective_at=before),
        make_purpose("support", category="support", effective_at=before),
    ]
    subject = make_subject()
    for purpose in purposes:
        grant(subject, purpose, now=timezone.now() - timedelta(days=5))
    with django_capture_on_commit_callbacks():
        newcomer = make_recipient("Đối tác Mới", name_en="New Partner")
        _announced("sharing", changes={}, recipients=[insurer, newcomer])
        _announced("support", changes={"legal_basis": "contract"})
    client.force_login(make_customer(subject=subject, username="cust_banner"))
    page = client.get(f"{prefix}/me/consents/").content.decode()
    sharing, support = _banner_line(page, "sharing"), _banner_line(page, "support")
    assert asked_again in sharing and new_recipient in sharing
    assert asked_again not in support
    assert not_consent in support and new_basis in support
