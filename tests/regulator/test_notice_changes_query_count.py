"""The customer's pages that show announced notice changes (the consents page's banner, *Upcoming
changes*, the home card) cost the same queries whatever the number of changes: each change's version
before it, whether it leaves consent and the recipients' English names are read for all of them at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from consents import services
from tests.consents.factories import STAFF, change_announced, grant, make_purpose, make_recipient
from tests.factories import make_customer, make_subject
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db
PAGES = ("/en/me/consents/", "/en/me/notice-changes/", "/en/me/")


def _customer_with_changes(count: int, django_capture_on_commit_callbacks) -> Client:
    """A customer with `count` announced changes to purposes they consented to, widening the recipients,
    and `count` moving a purpose they said no to off consent."""
    before, now = timezone.now() - timedelta(days=60), timezone.now()
    subject = make_subject()
    insurer = make_recipient(f"Bảo hiểm {count}", name_en=f"Insurance {count}")
    for number in range(count):
        code = f"sharing{count}_{number}"
        purpose = make_purpose(code, category="sharing", recipients=[insurer], effective_at=before)
        grant(subject, purpose, now=now - timedelta(days=5))
        with django_capture_on_commit_callbacks():
            newcomer = make_recipient(f"Đối tác {count} {number}", name_en=f"Partner {count} {number}")
            change_announced(code, changes={}, recipients=[insurer, newcomer])
        refused = make_purpose(f"support{count}_{number}", category="support", effective_at=before)
        answer = services.GrantRequest(
            subject=subject, purpose=refused, notice_version="v1", channel="branch", evidence="form-2"
        )
        services.consent_refuse(actor=STAFF, request=answer, now=now - timedelta(days=5))
        with django_capture_on_commit_callbacks():
            change_announced(refused.code, changes={"legal_basis": "contract"})
    client = Client()
    client.force_login(make_customer(subject=subject, username=f"cust_count_{count}"))
    return client


@pytest.mark.parametrize("page", PAGES)
def test_the_pages_showing_announced_changes_cost_the_same_queries_for_one_change_or_three(
    page, django_capture_on_commit_callbacks
):
    one = _customer_with_changes(1, django_capture_on_commit_callbacks)
    three = _customer_with_changes(3, django_capture_on_commit_callbacks)
    assert "Partner 3 2" in three.get("/en/me/notice-changes/").content.decode()
    assert queries_of(lambda: one.get(page)) == queries_of(lambda: three.get(page))
