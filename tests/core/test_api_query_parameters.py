"""A list's query parameters are read strictly (core/api/filters.py `query_parameters_check`, called by
core/api/pagination.py for every list; the consent check calls it itself): a parameter the endpoint does
not know (a typo, a filter this version lacks) and a paging value that is not a whole number in range are
each a 400 naming the parameter, where they used to be ignored and the whole list (or today's answer,
or the default page) came back as if they had been applied. An unknown `?format=` is a 400 on `format`
(was a 404)."""
from __future__ import annotations

import pytest

from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

UNKNOWN = [
    ("/api/v1/subjects/", "cif", "external_ref"),
    ("/api/v1/requests/", "typ", "type"),
    ("/api/v1/audit/", "sinse", "since"),
    ("/api/v1/consents/", "statuss", "status"),
    ("/api/v1/withdrawal-duties/", "knd", "kind"),
    ("/api/v1/authorisations/", "third", "third_party"),
    ("/api/v1/purposes/", "actve", "active"),
]


@pytest.fixture
def reader(as_user, dpo):
    marketing = make_purpose("marketing", category="marketing")
    for _ in range(2):
        subject = make_subject()
        grant(subject, marketing)
        make_request(subject)
    return as_user(dpo)


@pytest.mark.parametrize("url,unknown,known", UNKNOWN)
def test_an_unknown_list_parameter_is_refused_naming_the_filters(reader, url, unknown, known):
    answer = reader.get(url, {unknown: "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400, answer.content
    [message] = answer.json()[unknown]
    assert "Unknown parameter" in message and known in message


def test_a_list_without_filters_refuses_any_parameter(reader):
    answer = reader.get("/api/v1/third-parties/", {"system": "core"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert list(answer.json()) == ["system"]


@pytest.mark.parametrize("params", [
    {"limit": "2"}, {"limit": "500", "offset": "1"}, {"cursor": "", "limit": "1"}, {"format": "json"},
    {"status": "granted", "purpose": "marketing", "offset": "0"},
])
def test_filters_paging_and_format_are_still_read(reader, params):
    answer = reader.get("/api/v1/consents/", params)
    assert answer.status_code == 200, answer.content
    granted = 2  # the fixture's consents
    rows = min(int(params.get("limit", 50)), granted - int(params.get("offset", 0)))
    assert len(answer.json()["results"]) == rows


@pytest.mark.parametrize("field,value", [
    ("limit", "abc"), ("limit", "-1"), ("limit", "0"), ("limit", ""), ("limit", "1.5"), ("limit", "501"),
    ("limit", "100000"), ("offset", "abc"), ("offset", "-5"), ("offset", "999999999999999999999999"),
])
def test_a_bad_paging_value_is_refused_naming_it(reader, field, value):
    answer = reader.get("/api/v1/consents/", {field: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400, answer.content
    assert list(answer.json()) == [field]


def test_a_limit_above_the_cap_names_the_cap(reader):
    answer = reader.get("/api/v1/audit/", {"limit": "100000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "500" in answer.json()["limit"][0]


def test_the_consent_check_refuses_an_unknown_parameter_instead_of_answering_today(reader):
    subject = make_subject()
    grant(subject, make_purpose("sms", category="marketing"))
    params = {"subject": subject.external_ref, "purpose": "sms"}
    assert reader.get("/api/v1/consent-check/", params).status_code == 200
    answer = reader.get(
        "/api/v1/consent-check/", {**params, "as_of": "2020-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    [message] = answer.json()["as_of"]
    assert "at" in message.split(":")[-1]


def test_an_unknown_report_format_is_a_400_naming_format(reader):
    answer = reader.get("/api/v1/reports/deadlines/", {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    [message] = answer.json()["format"]
    assert "csv" in message
    assert reader.get("/api/v1/reports/deadlines/", {"format": "csv"}).status_code == 200


def test_the_refusal_is_in_vietnamese_by_default(reader):
    english = reader.get("/api/v1/requests/", {"typ": "delete"}, HTTP_ACCEPT_LANGUAGE="en").json()["typ"]
    default = reader.get("/api/v1/requests/", {"typ": "delete"}).json()["typ"]
    assert default != english and "type" in default[0]
