"""Paging by cursor (core/api/pagination.py): the same rows in the same order as one long page, each
once, over sort keys that tie and keys that may be null; a cursor altered or of another list, or given
with an offset, is a 400 naming `cursor`; the schema documents it. Run on PostgreSQL too: the order of
nulls and of tied rows is the database's."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from consents.models import Purpose
from core.api.pagination import DefaultPagination
from core.errors import InvalidInput
from core.ordering import order_of, totally_ordered
from dsr import services as dsr_services
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import MONDAY, STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _by_cursor(api, url: str, params: dict, size: int) -> list[str]:
    seen: list[str] = []
    next_url, query = url, {**params, "limit": size, "cursor": ""}
    while next_url:
        answer = api.get(next_url, query)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert len(body["results"]) <= size
        seen += [row["id"] for row in body["results"]]
        next_url, query = body["next"], None
        if next_url:
            assert f"limit={size}" in next_url and "offset" not in next_url
    return seen


def _in_one_page(api, url: str, params: dict) -> list[str]:
    answer = api.get(url, {**params, "limit": 500})
    assert answer.status_code == 200, answer.content
    return [row["id"] for row in answer.json()["results"]]


def test_requests_by_cursor_come_once_each_in_the_lists_order(as_user, privacy_officer):
    # Open requests first by their binding date, the closed ones (no binding date: null, placed last)
    # after them newest first; many received at one moment, so every key but the id ties.
    for n in range(14):
        kind = "access" if n % 3 else "delete"
        made = make_request(make_subject(), type=kind, now=MONDAY + timedelta(hours=n % 2))
        if n % 4 == 0:
            dsr_services.request_cancel(actor=STAFF, request_id=made.pk, now=MONDAY + timedelta(hours=3))
    api = as_user(privacy_officer)

    everything = _in_one_page(api, "/api/v1/requests/", {})
    assert len(everything) == 14
    for size in (1, 3, 5):
        assert _by_cursor(api, "/api/v1/requests/", {}, size) == everything


def test_consents_granted_at_one_moment_come_once_each_by_cursor(as_user, client_user):
    purpose = make_purpose("cursor-marketing", category="marketing")
    same_moment = timezone.now() - timedelta(days=1)
    for _ in range(23):
        grant(make_subject(), purpose, now=same_moment)
    api = as_user(client_user)

    everything = _in_one_page(api, "/api/v1/consents/", {"purpose": purpose.code})
    assert len(set(everything)) == 23
    assert _by_cursor(api, "/api/v1/consents/", {"purpose": purpose.code}, 4) == everything


def test_the_last_cursor_page_has_no_next(as_user, client_user):
    purpose = make_purpose("cursor-last", category="marketing")
    for _ in range(4):
        grant(make_subject(), purpose)
    api = as_user(client_user)
    first = api.get("/api/v1/consents/", {"purpose": purpose.code, "limit": 2, "cursor": ""}).json()
    assert first["count"] is None and first["next"] and first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None


@pytest.mark.parametrize("case", ["altered", "another list's", "with an offset"])
def test_a_cursor_this_list_did_not_give_is_a_400_naming_it(as_user, dpo, case):
    purpose = make_purpose("cursor-bad", category="marketing")
    for _ in range(3):
        grant(make_subject(), purpose)
    api = as_user(dpo)
    consents_next = api.get("/api/v1/consents/", {"limit": 1, "cursor": ""}).json()["next"]
    cursor = consents_next.split("cursor=")[1].split("&")[0]
    if case == "altered":
        answer = api.get("/api/v1/consents/", {"cursor": cursor[:-3] + "abc"})
    elif case == "another list's":
        answer = api.get("/api/v1/purposes/", {"cursor": cursor})
    else:
        answer = api.get("/api/v1/consents/", {"cursor": cursor, "offset": 2})
    assert answer.status_code == 400, answer.content
    assert list(answer.json()) == ["cursor"]


def test_the_schema_documents_the_cursor_beside_limit_and_offset(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/consents/", "/api/v1/requests/", "/api/v1/withdrawal-duties/"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"limit", "offset", "cursor"} <= names, path


def test_a_list_ordered_by_an_expression_is_total_by_offset_and_refused_by_cursor():
    # No list is today (test_api_list_order.py); one added so must not answer a 500.
    queryset = Purpose.objects.order_by(Lower("code"))
    assert order_of(totally_ordered(queryset))[-1] == "pk"
    request = Request(APIRequestFactory().get("/api/v1/purposes/", {"cursor": ""}))
    with pytest.raises(InvalidInput) as refused:
        DefaultPagination().paginate_queryset(queryset, request)
    assert refused.value.field == "cursor"


def test_a_cursor_page_does_not_count_the_list(as_user, client_user):
    """Offset paging counts the whole list (COUNT(*)) to say how many rows there are; a cursor page needs
    no count to know whether a next page exists (it reads one row more than it gives), so it runs none:
    on a large table the count is most of the page's cost. Its `count` is null."""
    purpose = make_purpose("cursor-no-count", category="marketing")
    for _ in range(5):
        grant(make_subject(), purpose)
    api = as_user(client_user)

    with CaptureQueriesContext(connection) as first_queries:
        first = api.get("/api/v1/consents/", {"purpose": purpose.code, "limit": 2, "cursor": ""})
    with CaptureQueriesContext(connection) as next_queries:
        second = api.get(first.json()["next"])

    assert first.status_code == 200 and second.status_code == 200
    for queries in (first_queries, next_queries):
        counted = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        assert counted == [], counted
    assert first.json()["count"] is None and second.json()["count"] is None
    assert len(second.json()["results"]) == 2 and second.json()["next"]
    by_offset = api.get("/api/v1/consents/", {"purpose": purpose.code, "limit": 2}).json()
    assert by_offset["count"] == 5  # offset paging keeps the contract's count


def test_the_schema_says_count_is_null_on_a_cursor_page(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    pages = {name: body for name, body in components.items() if name.startswith("Paginated")}
    assert pages
    for name, body in pages.items():
        count = body["properties"]["count"]
        assert count.get("nullable") is True and "cursor" in count.get("description", ""), name
