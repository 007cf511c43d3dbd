"""The report endpoints read their query parameters strictly, like every list (core/api/filters.py
`query_parameters_check`): the consent report ignored a parameter it does not know, so `?since=&until=`
(the deadline report's) answered this month's figures as if they were the period asked for."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url,unknown,known",
    [
        ("/api/v1/reports/consents/?since=2026-01-01&until=2026-06-30", "since", "month"),
        ("/api/v1/reports/deadlines/?month=2026-01", "month", "since"),
    ],
)
def test_an_unknown_report_parameter_is_refused_naming_the_known_ones(dpo, as_user, url, unknown, known):
    answer = as_user(dpo).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400, answer.content
    [message] = answer.json()[unknown]
    assert "Unknown parameter" in message and known in message


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/consents/?month=2026-01&format=csv",
        "/api/v1/reports/deadlines/?since=2026-01-01&until=2026-02-01",
    ],
)
def test_the_known_parameters_still_pass(dpo, as_user, url):
    assert as_user(dpo).get(url).status_code == 200
