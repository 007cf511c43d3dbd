"""django.request writes its line for a 4xx answer after the middleware chain returned, when the
request's context is already reset: the line still names the request's reference (docs/operations.md:
every line the application writes does), read from the request the record carries."""
from __future__ import annotations

import logging

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from core.log_context import Formatter
from tests.factories import make_token

pytestmark = pytest.mark.django_db


def _request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_bad_request_line_names_the_reference(client_user, caplog):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {make_token(client_user, ['subjects:write'])}")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = caller.post("/api/v1/subjects/", {"full_name": ""}, format="json",
                               HTTP_X_REQUEST_ID="ref-400abc")

    assert response.status_code == 400
    [record] = _request_lines(caplog)
    assert record.request_id == "ref-400abc"
    line = Formatter(settings.LOGGING["formatters"]["plain"]["format"]).format(record)
    assert "[ref-400abc] Bad Request: /api/v1/subjects/" in line


def test_a_not_found_page_line_names_the_reference(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/en/no-such-page/", HTTP_X_REQUEST_ID="ref-404abc")

    assert response.status_code == 404
    assert [r.request_id for r in _request_lines(caplog)] == ["ref-404abc"]


def test_a_line_outside_any_request_keeps_the_dash(caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        logging.getLogger("django.request").warning("no request here")

    assert [r.request_id for r in _request_lines(caplog)] == ["-"]
