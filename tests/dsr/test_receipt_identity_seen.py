"""The printed receipt of a request received away from a branch and verified by a document says where
the original was seen (`identity_seen_at_branch`, recorded with `customer_present`), in the reader's
language; one with no visit says nothing of it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from subjects.models import DataSubject
from tests.dsr.factories import BRANCH_VISIT, verified_request

pytestmark = pytest.mark.django_db


def _receipt(client, officer, request, language):
    client.force_login(officer)
    with translation.override(language):
        url = reverse("dsr:receipt", args=[request.pk])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return body[body.index('data-testid="request-receipt"') :].split("</article>")[0]


@pytest.mark.parametrize(
    ("language", "words"), [("en", "original seen at"), ("vi", "giấy tờ gốc đã xem tại")]
)
def test_the_receipt_says_where_the_original_document_was_seen(client, officer, subject, language, words):
    # The receipt is worded in the customer's language: here the one asked for.
    DataSubject.objects.filter(pk=subject.pk).update(preferred_language=language)
    subject.refresh_from_db()
    request = verified_request(subject, channel="paper_form")
    assert request.identity_seen_at_branch == BRANCH_VISIT["seen_at_branch"]
    receipt = _receipt(client, officer, request, language)
    assert 'data-testid="receipt-identity-seen"' in receipt
    assert BRANCH_VISIT["seen_at_branch"] in receipt and words in receipt


def test_a_request_received_at_the_branch_says_nothing_of_a_visit(client, officer, subject):
    request = verified_request(subject, channel="branch")
    assert 'data-testid="receipt-identity-seen"' not in _receipt(client, officer, request, "en")
