"""Every list's pager is one landmark named for what it pages, its arrows hidden from screen readers:
a screen reader reading "left arrow Previous" for each link, or several unnamed "navigation" landmarks,
tells the reader nothing more (WCAG 1.1.1, 2.4.6). The audit trail and the queue page without counting,
the counted lists (API tokens, announcements, staff roles) by Django's paginator; all share one pager."""
from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from audit.services import audit_record
from core.actors import Actor
from integrations.services import token_issue
from tests.dsr.factories import make_request
from tests.factories import signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def _spoken(element) -> str:
    """The text a screen reader reads: the element's, without what is hidden from it."""
    parts = []
    for child in element.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.get("aria-hidden") != "true":
            parts.append(_spoken(child))
    return " ".join(" ".join(parts).split())


def _second_page(client, url: str) -> str:
    first = parse(client.get(url).content)
    following = first.find("a", rel="next").get("href")
    return client.get(url + following).content.decode()


def _assert_accessible_pager(page: str, name: str) -> None:
    pagers = parse(page).find_all("nav", **{"class": "pager"})
    assert len(pagers) == 1
    pager = pagers[0]
    links = {link.get("rel"): _spoken(link) for link in pager.find_all("a")}
    assert links["prev"] == "Previous" and links["next"] == "Next", links
    assert pager.get("aria-label") == name
    assert "←" in pager.text() and "→" in pager.text()


def test_the_audit_trails_pager(auditor):
    with transaction.atomic():
        for n in range(120):
            audit_record(action="core.token.issued", actor=Actor.system("tests"), data={"i": n})
    client = signed_in(auditor)
    _assert_accessible_pager(_second_page(client, "/en" + reverse("audit:trail")), "Pages of the audit trail")


def test_the_request_queues_pager(privacy_officer, subject):
    for _ in range(101):
        make_request(subject)
    client = signed_in(privacy_officer)
    _assert_accessible_pager(_second_page(client, "/en" + reverse("dsr:queue")), "Pages of the request queue")


def test_the_api_tokens_pager(dpo, officer):
    for n in range(101):
        token_issue(actor=Actor.system("tests"), user=officer, name=f"script {n}")
    second = _second_page(signed_in(dpo), "/en" + reverse("integrations:tokens"))
    _assert_accessible_pager(second, "Pages of API tokens")
