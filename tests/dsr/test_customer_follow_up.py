"""A customer following up on their request from the self-service pages (and the messages they get),
days after filing it: how to challenge a refusal, and the answered date named as such in the list."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from dsr import services
from notifications.models import Notification
from notifications.selectors import notification_text
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_client(client, subject):
    client.force_login(make_customer(subject=subject, username="theo-doi"))
    return client


def _page(client, request, lang="vi") -> str:
    prefix = "" if lang == "vi" else "/en"
    return client.get(f"{prefix}{reverse('dsr:me_detail', args=[request.pk])}").content.decode()


def _refused(subject):
    request = verified_request(subject, type="delete")
    return services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Yêu cầu lặp lại",
        now=MONDAY + timedelta(days=1),
    )


def test_a_refused_request_says_how_to_challenge_the_answer(customer_client, subject):
    """A refusal named its legal reason and stopped there: nothing told the customer they may complain
    to the bank or to the authority (A05), nor led them to either."""
    refused = _refused(subject)
    page = _page(customer_client, refused)
    assert 'data-testid="challenge"' in page, page[page.find("<main"):]
    section = page[page.index('data-testid="challenge"'):]
    section = section[:section.index("</section>")]
    assert f"{reverse('dsr:me_new')}?type=complaint" in section
    assert reverse("transparency:me_privacy") + "#complaints-heading" in section
    assert "A05" in section
    english = _page(customer_client, refused, lang="en")
    assert "Department of Cyber Security" in english[english.index('data-testid="challenge"'):]


def test_an_answer_in_full_has_no_challenge_section(customer_client, subject):
    request = verified_request(subject, type="access")
    done = services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))
    assert 'data-testid="challenge"' not in _page(customer_client, done)


def test_the_refusal_message_says_the_customer_may_complain(subject):
    """The refusal's e-mail gave the legal reason and a link, and not a word on the right to complain."""
    _refused(subject)
    body = notification_text(Notification.objects.filter(topic="dsr.customer.rejected").get()).body
    assert "khiếu nại" in body.lower(), body
    assert "A05" in body, body


def test_the_list_names_an_answered_requests_date_as_answered(customer_client, subject):
    """A closed request's date stood under "We will answer by", a promise in the past."""
    _refused(subject)
    page = customer_client.get(reverse("dsr:me_requests")).content.decode()
    row = page[page.index('data-testid="request-reference"'):]
    row = row[:row.index("</tr>")]
    with translation.override("vi"):
        assert re.search(r"Đã trả lời\s*10/03/2026", re.sub(r"<[^>]+>", " ", row)), row
