"""A JSON body of `null` is refused in the caller's language: DRF's "No data provided" is a plain
English string (not one of its translated messages), so a Vietnamese caller read English."""

from __future__ import annotations

import pytest

from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language,words", [("vi", "Không có dữ liệu"), ("en", "No data")])
def test_a_null_body_is_refused_in_the_callers_language(client_user, as_user, language, words):
    subject = make_subject()
    answer = as_user(client_user).generic(
        "POST", "/api/v1/requests/", "null", content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert answer.status_code == 400, answer.content
    assert answer.json() == {"detail": answer.json()["detail"], "code": "invalid"}
    assert words in answer.json()["detail"], (answer.json(), subject.pk)


def test_a_null_patch_body_is_refused_in_vietnamese(dpo, as_user):
    subject = make_subject()
    answer = as_user(dpo).generic(
        "PATCH",
        f"/api/v1/subjects/{subject.pk}/",
        "null",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
        HTTP_X_ACCESS_REASON="kiểm tra",
    )
    assert answer.status_code == 400, answer.content
    assert "Không có dữ liệu" in str(answer.json())
