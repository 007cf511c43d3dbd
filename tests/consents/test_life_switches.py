"""A former or a deceased customer is offered no "yes" the service would refuse: their consents page and
the confirmation of a grant say why, in the customer's words, and withdrawing stays possible."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.consents.factories import (
    child_of,
    grant,
    life_event_recorded,
    make_purpose,
)
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _record(customer, field: str):
    life_event_recorded(customer, field, days_ago=1)


def _text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    ("field", "language", "said"),
    [
        ("relationship_ended_on", "en", "ask at a branch to reopen"),
        ("relationship_ended_on", "vi", "hãy đến chi nhánh để mở lại"),
    ],
)
def test_a_former_customer_is_offered_no_yes(customer_a, field, language, said):
    make_purpose("marketing", category="marketing")
    _record(customer_a.customer_account.subject, field)
    client = signed_in(customer_a)
    prefix = "" if language == "vi" else f"/{language}"

    consents = client.get(f"{prefix}/me/consents/")
    confirm = client.get(f"{prefix}/me/consents/marketing/confirm/")

    assert 'data-testid="switch-marketing"' not in _text(consents)
    assert said in _text(consents)
    assert 'data-testid="confirm-consent"' not in _text(confirm)
    assert said in _text(confirm)


@pytest.mark.parametrize(
    ("field", "language", "said"),
    [
        ("deceased_on", "en", "is recorded as deceased"),
        ("deceased_on", "vi", "được ghi nhận là đã qua đời"),
        ("relationship_ended_on", "en", "ask at a branch"),
    ],
)
def test_a_guardian_is_offered_no_yes_for_a_deceased_or_former_ward(
    customer_a, catalogue, field, language, said
):
    child = child_of(customer_a.customer_account.subject, age=5)
    _record(child, field)
    client = signed_in(customer_a)
    prefix = "" if language == "vi" else f"/{language}"

    consents = client.get(f"{prefix}/me/consents/")
    confirm = client.get(f"{prefix}/me/consents/sharing/confirm/?ward={child.pk}")

    assert 'data-testid="ward-switch-sharing"' not in _text(consents)
    assert said in _text(consents)
    assert 'data-testid="confirm-consent"' not in _text(confirm)
    assert said in _text(confirm)


def test_a_former_customer_still_withdraws_a_consent_on_file(customer_a):
    purpose = make_purpose("marketing", category="marketing")
    subject = customer_a.customer_account.subject
    grant(subject, purpose)
    type(subject).objects.filter(pk=subject.pk).update(relationship_ended_on=timezone.localdate())

    consents = _text(signed_in(customer_a).get("/en/me/consents/"))

    assert 'data-testid="switch-marketing"' in consents
