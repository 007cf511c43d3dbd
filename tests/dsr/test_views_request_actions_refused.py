"""UX review of the staff request page: a refused action comes back next to that action, with what was
typed, a summary above it and the page's own address; the reveal form is not checked by an action's
post; refusing a request, which is final, asks first."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.actors import actor_for_user
from dsr.models import DataSubjectRequest
from tests.dsr.factories import make_request

pytestmark = pytest.mark.django_db


def _form(page: str, marker: str) -> str:
    """The HTML of the <form> holding `marker`."""
    at = page.index(marker)
    return page[page.rindex("<form", 0, at) : page.index("</form>", at)]


def test_a_document_mismatch_shows_next_to_the_verify_form_not_on_the_reveal_form(
    client, privacy_officer, subject
):
    request = make_request(subject, actor=actor_for_user(privacy_officer), details="Xin xóa dữ liệu")
    client.force_login(privacy_officer)
    response = client.post(
        "/en" + reverse("dsr:act", args=[request.pk, "verify"]),
        {"method": "branch_documents", "document_type": "cccd", "document_number": "000000000000"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    reveal = _form(page, 'data-testid="reveal-form"')
    assert "field--error" not in reveal and "This field is required." not in reveal
    verify = _form(page, 'data-testid="verify-form"')
    assert 'data-testid="error-summary"' in verify and 'role="alert"' in verify
    assert 'href="#verify_document_number"' in verify
    assert f'data-page-url="{reverse("dsr:detail", args=[request.pk])}"' in page


def test_a_refusal_without_its_legal_reason_keeps_the_answer_typed(client, privacy_officer, subject):
    request = make_request(subject, actor=actor_for_user(privacy_officer))
    client.force_login(privacy_officer)
    url = "/en" + reverse("dsr:act", args=[request.pk, "reject"])
    response = client.post(url, {"note": "Chúng tôi không thể xử lý yêu cầu này", "confirmed": "1"})
    assert response.status_code == 400
    refuse = _form(response.content.decode(), 'id="refuse"')
    assert "Chúng tôi không thể xử lý yêu cầu này" in refuse
    assert 'data-testid="error-summary"' in refuse
    assert DataSubjectRequest.objects.get(pk=request.pk).status != "rejected"


def test_refusing_asks_for_a_confirmation_first(client, privacy_officer, subject):
    request = make_request(subject, actor=actor_for_user(privacy_officer))
    client.force_login(privacy_officer)
    url = "/en" + reverse("dsr:act", args=[request.pk, "reject"])
    typed = {"reason": "manifestly_unfounded", "note": "Yêu cầu lặp lại"}
    asked = client.post(url, typed)
    assert asked.status_code == 200
    refuse = _form(asked.content.decode(), 'id="refuse"')
    assert 'data-testid="confirm-reject"' in refuse and "Yêu cầu lặp lại" in refuse
    assert re.search(r'name="confirmed" value="1"', refuse)
    assert DataSubjectRequest.objects.get(pk=request.pk).status != "rejected"
    back = client.post(url, {**typed, "confirmed": "1", "edit": "1"})
    assert 'data-testid="confirm-reject"' not in back.content.decode()
    assert DataSubjectRequest.objects.get(pk=request.pk).status != "rejected"
    done = client.post(url, {**typed, "confirmed": "1"})
    assert done.status_code == 302
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "rejected"
