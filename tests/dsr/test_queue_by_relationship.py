"""The regulator's figures and the bank's own separate the requests of people who are not customers (a
guarantor, a payee): the request list and the staff queue narrow by the person's relationship."""

from __future__ import annotations

import html

import pytest

from subjects.models import SubjectRelationship
from tests.dsr.factories import make_request
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_requests():
    guarantor = make_subject(external_ref="", relationship=SubjectRelationship.GUARANTOR)
    return make_request(guarantor), make_request(make_subject())


def test_the_api_list_narrows_by_relationship(as_user, dpo, two_requests):
    guarantors, _ = two_requests

    listed = as_user(dpo).get("/api/v1/requests/", {"relationship": "guarantor"})

    assert listed.status_code == 200, listed.content
    assert [row["id"] for row in listed.json()["results"]] == [str(guarantors.pk)]


def test_an_unknown_relationship_is_a_400_naming_it(as_user, dpo, two_requests):
    response = as_user(dpo).get("/api/v1/requests/", {"relationship": "cousin"})

    assert response.status_code == 400
    assert "relationship" in response.json()


def test_the_queue_page_narrows_by_relationship(dpo, two_requests):
    guarantors, customers = two_requests

    response = signed_in(dpo).get("/en/portal/requests/", {"relationship": "guarantor"})
    page = html.unescape(response.content.decode())

    assert guarantors.reference in page
    assert customers.reference not in page


def test_the_filter_costs_no_query_per_row(as_user, dpo, two_requests, django_assert_max_num_queries):
    client = as_user(dpo)
    for _ in range(3):
        make_request(make_subject(external_ref="", relationship=SubjectRelationship.GUARANTOR))
    with django_assert_max_num_queries(30) as few:
        client.get("/api/v1/requests/", {"relationship": "guarantor"})
    for _ in range(5):
        make_request(make_subject(external_ref="", relationship=SubjectRelationship.GUARANTOR))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/requests/", {"relationship": "guarantor"})
