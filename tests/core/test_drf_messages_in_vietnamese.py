"""DRF's own validation messages read in Vietnamese on the Vietnamese-default API: DRF's Vietnamese
catalogue leaves most of them blank, so a caller got "Not a valid string." or '"zzz" is not a valid
choice.' between Vietnamese messages. The project's catalogue carries them (`core.drf_messages`)."""

from __future__ import annotations

import inspect

import pytest
from django.utils import translation
from rest_framework import fields, relations, serializers, validators

from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _drf_messages() -> set[str]:
    """Every default message of DRF's fields, serializers and validators, as its msgid."""
    found: set[str] = set()
    with translation.override(None):
        for module in (fields, relations, serializers, validators):
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if not cls.__module__.startswith("rest_framework"):
                    continue
                messages = cls.__dict__.get("default_error_messages") or {}
                found |= {str(message) for message in messages.values()}
                if module is validators and cls.__dict__.get("message") is not None:
                    found.add(str(cls.__dict__["message"]))
    return found


def test_every_drf_field_message_has_its_vietnamese():
    messages = _drf_messages()
    assert len(messages) > 40
    with translation.override("vi"):
        untranslated = sorted(m for m in messages if translation.gettext(m) == m)
    assert untranslated == []


def _refusals(api, **headers) -> dict:
    subject = make_subject()
    body = {"subject": None, "type": "zzz", "purposes": "marketing", "details": 5}
    requests = api.post("/api/v1/requests/", body, format="json", **headers).json()
    search = api.post("/api/v1/subjects/search/", {"national_id": {"a": 1}}, format="json", **headers).json()
    too_long = api.patch(f"/api/v1/subjects/{subject.pk}/", {"full_name": "x" * 500}, format="json",
                         **headers).json()
    return {"type": requests["type"][0], "subject": requests["subject"][0],
            "national_id": search["national_id"][0], "full_name": too_long["full_name"][0]}


def _expected(language: str) -> dict:
    with translation.override(language):
        return {
            "type": translation.gettext('"{input}" is not a valid choice.').format(input="zzz"),
            "subject": translation.gettext("This field may not be null."),
            "national_id": translation.gettext("Not a valid string."),
            "full_name": translation.gettext(
                "Ensure this field has no more than {max_length} characters."
            ).format(max_length=200),
        }


def test_bad_fields_are_refused_in_vietnamese_by_default(as_user, officer):
    refusals = _refusals(as_user(officer))
    assert refusals == _expected("vi")
    assert refusals["type"] != '"zzz" is not a valid choice.'


def test_an_english_caller_reads_drfs_english(as_user, officer):
    assert _refusals(as_user(officer), HTTP_ACCEPT_LANGUAGE="en") == _expected("en")
