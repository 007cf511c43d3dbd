"""The API tokens page lists 50 tokens a page, newest first, as the staff roles page lists logins: a
bank whose scripts and clients were issued hundreds of tokens over the years gets a short page."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.actors import Actor
from integrations.models import ApiToken
from integrations.services import token_issue
from tests.factories import signed_in
from tests.list_pages import (
    assert_bad_page_numbers_show_the_nearest,
    assert_paged,
    assert_posted_from_the_second_page,
)

pytestmark = pytest.mark.django_db
URL = reverse("integrations:tokens")


def _issue(user, number: int) -> ApiToken:
    return token_issue(actor=Actor.system("tests"), user=user, name=f"script {number}")[0]


def _prefixes(page: str) -> list[str]:
    return re.findall(r'data-testid="token-([\w-]+)"', page)


def test_the_tokens_are_paged_newest_first(dpo, officer):
    issued = [_issue(officer, n) for n in range(53)]
    newest_first = [token.prefix for token in reversed(issued)]
    client = signed_in(dpo)

    first = assert_paged(client, URL, _prefixes, newest_first)

    # The pager says which list it pages, in the reader's language.
    assert 'aria-label="Phân trang danh sách token API"' in first
    assert 'aria-label="Pages of API tokens"' in client.get("/en/portal/tokens/").content.decode()


def test_a_bad_page_number_shows_the_nearest_page(dpo, officer):
    for n in range(53):
        _issue(officer, n)
    assert_bad_page_numbers_show_the_nearest(signed_in(dpo), URL, _prefixes)


def test_a_token_revoked_from_a_later_page_comes_back_to_it(dpo, officer):
    issued = [_issue(officer, n) for n in range(53)]
    oldest = issued[0]
    revoke = reverse("integrations:token_revoke", args=[oldest.pk])
    client = signed_in(dpo)

    assert f'href="{URL}?page=2"' in client.get(revoke, {"page": 2}).content.decode()  # "Back to API tokens"
    assert_posted_from_the_second_page(client, URL, revoke, attribute="href")

    oldest.refresh_from_db()
    assert oldest.revoked_at is not None
    # Revoked already (a second tab): the same way back.
    assert client.post(f"{revoke}?page=2")["Location"] == f"{URL}?page=2"
