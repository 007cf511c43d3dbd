"""The customer's *Upcoming changes* page says of each change what the e-mail said: what it reaches
further than before, and, for a version moving the purpose off consent, that nobody is asked to consent
again (the processing no longer depends on it) rather than "you will be asked to consent again"."""

from __future__ import annotations

import pytest

from tests.consents.factories import customer_told_of_a_widening_and_a_move_off_consent

pytestmark = pytest.mark.django_db


def test_the_page_lists_what_each_change_widens_and_whether_consent_is_asked(
    client, django_capture_on_commit_callbacks
):
    client.force_login(
        customer_told_of_a_widening_and_a_move_off_consent("cust_changes", django_capture_on_commit_callbacks)
    )
    page = client.get("/en/me/notice-changes/").content.decode()
    sharing, support = page.split('data-testid="notice-change"')[1:]
    if "Purpose support" in sharing:
        sharing, support = support, sharing
    assert "New recipients of your data: New Partner." in sharing
    assert "You will be asked to consent again" in sharing
    assert "New legal basis: Contract." in support
    assert "You will be asked to consent again" not in support
    assert "no longer depends on your consent" in support
