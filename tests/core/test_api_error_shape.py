"""Field errors keep the contract's shape, `{"field": ["message"]}`, for list and dict fields too: a
message about one item or key says where it is, in words ("Item 2: ...", "phone: ..."), instead of
DRF's nested `{"purposes": {"0": [...]}}` that a client reading a list of strings cannot show."""
from __future__ import annotations

import pytest
from django.utils import translation

from core.api.exceptions import field_messages
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _flat(body: dict) -> bool:
    return all(isinstance(messages, list) and all(isinstance(m, str) for m in messages)
               for messages in body.values())


def test_a_list_items_message_names_the_item(as_user, officer):
    body = {"subject": make_subject().external_ref, "type": "object", "purposes": ["marketing", "x" * 51]}
    response = as_user(officer).post("/api/v1/requests/", body, format="json", **EN)
    assert response.status_code == 400
    assert _flat(response.json()), response.json()
    assert response.json() == {"purposes": ["Item 2: Ensure this field has no more than 50 characters."]}


def test_every_bad_item_is_named(as_user, dpo):
    body = {"name": "Fintech", "contact_email": "dpo@fintech.example", "purpose": "Budgeting app",
            "redirect_uris": ["https://fintech.example/cb"], "scopes": ["nope", "accounts:read", "also-not"]}
    response = as_user(dpo).post("/api/v1/third-parties/", body, format="json", **EN)
    assert response.status_code == 400
    assert _flat(response.json()), response.json()
    assert response.json()["scopes"] == [
        'Item 1: "nope" is not a valid choice.', 'Item 3: "also-not" is not a valid choice.',
    ]


def test_a_dict_keys_message_names_the_key(as_user, officer):
    body = {"subject": make_subject().external_ref, "type": "rectify", "corrections": {"phone": "9" * 501}}
    response = as_user(officer).post("/api/v1/requests/", body, format="json", **EN)
    assert response.status_code == 400
    assert response.json() == {"corrections": ["phone: Ensure this field has no more than 500 characters."]}


def test_the_prefix_is_in_the_callers_language(as_user, officer):
    body = {"subject": make_subject().external_ref, "type": "object", "purposes": ["x" * 51]}
    response = as_user(officer).post("/api/v1/requests/", body, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    [message] = response.json()["purposes"]
    assert message.startswith("Mục 1: ")


def test_items_of_nested_serializers_and_lists_of_lists_say_where_they_are():
    # No input serializer nests these today; the shapes DRF gives for them stay flat too.
    many = [{}, {"phone": ["Enter a valid phone."], "non_field_errors": ["Give one contact."]}]
    with translation.override("en"):
        assert field_messages(many) == ["Item 2, phone: Enter a valid phone.", "Item 2: Give one contact."]
        assert field_messages({0: {1: ["Too long."]}}) == ["Item 1, Item 2: Too long."]
        assert field_messages(["Required."]) == ["Required."]
