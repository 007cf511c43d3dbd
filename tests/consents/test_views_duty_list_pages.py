"""The recipient notices page at a bank's size: after a campaign, thousands of withdrawals each tell
every recipient of the purpose. The page showed the first 200 notices and nothing after them, without
saying more existed: the 201st open notice could not be reached to record its acknowledgement, and the
history (`status=all`) ended at 200 rows. Now it lists them a page at a time, "Page N" with previous and
next, counting nothing (`core.paging.offset_page`, as the staff queue)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.forms.models import model_to_dict

from consents import services
from consents.models import WithdrawalDuty
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject, signed_in, subjects_in_bulk

pytestmark = pytest.mark.django_db
URL = "/portal/withdrawal-duties/"


@pytest.fixture
def open_notices():
    """More open notices than the page ever showed (200), each a minute later due than the one before."""
    purpose = make_purpose(recipients=[make_recipient("Partner Insurance")])
    consent = grant(make_subject(), purpose)
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    first = WithdrawalDuty.objects.get(consent=consent)
    set_here = ["id", "kind", "consent", "subject", "purpose", "recipient", "due_at"]
    fields = model_to_dict(first, exclude=set_here)
    count = 210
    WithdrawalDuty.objects.bulk_create(
        WithdrawalDuty(
            **fields, id=uuid.uuid4(), consent=None, purpose=purpose, kind=WithdrawalDuty.Kind.RECTIFICATION,
            subject=subject, recipient=first.recipient, due_at=first.due_at + timedelta(minutes=n + 1),
        )
        for n, subject in enumerate(subjects_in_bulk(count - 1))
    )
    return [str(pk) for pk in WithdrawalDuty.objects.order_by("due_at", "pk").values_list("pk", flat=True)]


def _listed(page) -> list[str]:
    return [str(row[0].pk) for row in page.context["duties"]]


def _walked(staff, query: dict) -> list[list[str]]:
    """The rows of each page, following the pager's `next` link from the first page to the last."""
    page = staff.get(URL, query)
    pages = [_listed(page)]
    while page.context.get("page") is not None and page.context["page"].next:
        shown = page.content.decode().replace("&amp;", "&")
        assert f'rel="next" href="?{page.context["page"].next}"' in shown
        page = staff.get(f"{URL}?{page.context['page'].next}")
        pages.append(_listed(page))
    return pages


def test_every_open_notice_is_reached_a_page_at_a_time(dpo, open_notices):
    pages = _walked(signed_in(dpo), {})

    assert [pk for rows in pages for pk in rows] == open_notices
    assert len(pages) > 1 and max(len(rows) for rows in pages) <= 100


def test_the_pages_keep_the_filters(dpo, open_notices):
    pages = _walked(signed_in(dpo), {"status": "all", "kind": "rectification"})

    assert [pk for rows in pages for pk in rows] == open_notices[1:]
