"""The subject list and search log staff's look at every customer they show (domain notes: "who used it
is responsible") in one write for the page, not one per customer: a page of 20 customers costs the
queries a page of 2 does, and the entries still make one intact chain."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from tests.factories import make_subject
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db
SHARED_PHONE = "0912000111"


def _viewed(context: str) -> list[AuditEntry]:
    viewed = AuditEntry.objects.filter(action="core.subject.viewed", data__context=context)
    return list(viewed.order_by("sequence"))


def test_the_list_writes_the_views_of_a_page_at_once(as_user, officer):
    client = as_user(officer)
    subjects = [make_subject() for _ in range(2)]

    def listed():
        # Masked: a reason is refused on a list of more than one customer (tests/core/test_need_to_know.py).
        return client.get("/api/v1/subjects/?limit=100")

    with_2 = queries_of(listed)
    subjects += [make_subject() for _ in range(18)]
    with_20 = queries_of(listed)

    assert with_20 == with_2
    last_page = _viewed("api.list")[-20:]
    assert sorted(str(e.subject_id) for e in last_page) == sorted(str(s.pk) for s in subjects)
    assert {(e.actor_label, e.data["reason"], e.data["revealed"]) for e in last_page} == {
        (officer.username, "", False)
    }
    assert audit_chain_verify().valid


def test_the_search_writes_the_views_of_a_page_at_once(as_user, officer):
    """Customers sharing a phone (a family's landline) are all found, each view logged."""
    client = as_user(officer)
    for _ in range(2):
        make_subject(phone=SHARED_PHONE)

    def searched():
        return client.post("/api/v1/subjects/search/", {"phone": SHARED_PHONE}, format="json")

    with_2 = queries_of(searched)
    for _ in range(18):
        make_subject(phone=SHARED_PHONE)
    with_20 = queries_of(searched)

    assert with_20 == with_2
    assert len(_viewed("api.search")) == 2 + 2 + 20 + 20
    assert {e.data["revealed"] for e in _viewed("api.search")} == {False}
    assert audit_chain_verify().valid
