"""A customer following up on their request from the self-service pages (and the messages they get),
days after filing it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from dsr import services
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_client(client, subject):
    client.force_login(make_customer(subject=subject, username="theo-doi"))
    return client


def _refused(subject):
    request = verified_request(subject, type="delete")
    return services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Yêu cầu lặp lại",
        now=MONDAY + timedelta(days=1),
    )


def test_the_list_names_an_answered_requests_date_as_answered(customer_client, subject):
    """A closed request's date stood under "We will answer by", a promise in the past."""
    _refused(subject)
    page = customer_client.get(reverse("dsr:me_requests")).content.decode()
    row = page[page.index('data-testid="request-reference"'):]
    row = row[:row.index("</tr>")]
    with translation.override("vi"):
        assert re.search(r"Đã trả lời\s*10/03/2026", re.sub(r"<[^>]+>", " ", row)), row
