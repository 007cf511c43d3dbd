"""`PATCH purposes/{code}/` takes the contract's `name` and `description` as the Vietnamese text (the
bank's language); the English text changes only through `name_en`/`description_en`, so English readers
never see Vietnamese and the English wording is not lost. `POST` still fills a language not given from
`name`/`description`: a new purpose needs a name in both. A field the `PATCH` does not know is a 400
naming it: a change the platform cannot apply must not answer 200 as if it had."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents.models import Purpose
from tests.consents.factories import make_purpose

pytestmark = pytest.mark.django_db


@pytest.fixture
def analytics():
    return make_purpose("analytics", category="analytics")


def test_name_and_description_change_the_vietnamese_text_only(as_user, dpo, analytics):
    english_name, english_description = analytics.name_en, analytics.description_en
    response = as_user(dpo).patch(
        "/api/v1/purposes/analytics/",
        {"name": "Phân tích hành vi", "description": "Phân tích giao dịch để gợi ý sản phẩm."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    analytics.refresh_from_db()
    assert analytics.name_vi == "Phân tích hành vi"
    assert analytics.description_vi == "Phân tích giao dịch để gợi ý sản phẩm."
    assert (analytics.name_en, analytics.description_en) == (english_name, english_description)
    assert response.json()["name"] == "Phân tích hành vi"
    assert response.json()["description"] == "Phân tích giao dịch để gợi ý sản phẩm."


def test_a_language_given_on_its_own_wins_as_in_post(as_user, dpo, analytics):
    response = as_user(dpo).patch(
        "/api/v1/purposes/analytics/", {"name": "Phân tích", "name_en": "Analytics"}, format="json"
    )
    assert response.status_code == 200, response.json()
    analytics.refresh_from_db()
    assert (analytics.name_vi, analytics.name_en) == ("Phân tích", "Analytics")
    assert analytics.description_vi == "Mô tả"  # not named: unchanged


def test_post_fills_english_from_name_and_patch_leaves_it(as_user, dpo):
    api = as_user(dpo)
    body = {"code": "offers", "name": "Ưu đãi", "description": "Gửi ưu đãi.", "category": "marketing",
            "legal_basis": "consent"}
    assert api.post("/api/v1/purposes/", body, format="json").status_code == 201
    api.patch("/api/v1/purposes/offers/", {"name": "Ưu đãi mới"}, format="json")
    created = Purpose.objects.get(code="offers")
    assert (created.name_vi, created.name_en) == ("Ưu đãi mới", "Ưu đãi")


def test_an_empty_name_is_refused_like_an_empty_name_vi(as_user, dpo, analytics):
    response = as_user(dpo).patch("/api/v1/purposes/analytics/", {"name": ""}, format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_an_unknown_field_is_400_and_changes_nothing(as_user, dpo, analytics):
    api = as_user(dpo)
    before = AuditEntry.objects.count()
    response = api.patch("/api/v1/purposes/analytics/", {"nmae": "Typo", "active": False}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["nmae"] and response.json()["nmae"][0]
    analytics.refresh_from_db()
    assert analytics.active is True and analytics.name_vi == "Mục đích analytics"
    assert AuditEntry.objects.count() == before
