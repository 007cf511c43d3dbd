"""The banner of upcoming changes on the customer's consents page says what the e-mail and the *Upcoming
changes* page say: what a widening reaches further than before, and, for a version moving the purpose off
consent, that the processing no longer depends on consent rather than that consent will be asked again."""

from __future__ import annotations

import pytest

from tests.consents.factories import customer_told_of_a_widening_and_a_move_off_consent

pytestmark = pytest.mark.django_db


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
    client.force_login(
        customer_told_of_a_widening_and_a_move_off_consent("cust_banner", django_capture_on_commit_callbacks)
    )
    page = client.get(f"{prefix}/me/consents/").content.decode()
    sharing, support = _banner_line(page, "sharing"), _banner_line(page, "support")
    assert asked_again in sharing and new_recipient in sharing
    assert asked_again not in support
    assert not_consent in support and new_basis in support
