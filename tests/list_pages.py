"""A page listing a short list 50 rows at a time as the staff roles page lists logins (Django's
`Paginator.get_page`, `partials/pagination.html`): what each such page's tests check."""
from __future__ import annotations

from collections.abc import Callable

from django.test import Client

PAGE_SIZE = 50


def assert_paged(client: Client, url: str, listed: Callable[[str], list[str]], expected: list[str]) -> str:
    """`expected` (in the list's order, more than one page and fewer than two) is shown 50 on the first
    page, which links to the second, and the rest on the second, which links back. The first page."""
    assert PAGE_SIZE < len(expected) <= 2 * PAGE_SIZE
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert listed(first) == expected[:PAGE_SIZE]
    assert listed(second) == expected[PAGE_SIZE:]
    assert "page=2" in first and "page=3" not in first
    assert "page=1" in second and "page=3" not in second
    return first


def assert_bad_page_numbers_show_the_nearest(client: Client, url: str, listed: Callable[[str], list[str]]):
    """As on the staff roles page, with two pages: not a number is the first page, 0 or past the end
    the last; never an error or an empty page."""
    pages = [listed(client.get(url, {"page": number}).content.decode()) for number in (1, 2)]
    assert len(pages[0]) == PAGE_SIZE and 0 < len(pages[1]) < PAGE_SIZE
    for asked, shown in (("abc", pages[0]), ("", pages[0]), ("0", pages[1]), ("99", pages[1])):
        response = client.get(url, {"page": asked})
        assert response.status_code == 200
        assert listed(response.content.decode()) == shown, asked


def assert_posted_from_the_second_page(client: Client, url: str, address: str, *, attribute: str = "action"):
    """The second page of `url` names its own page on a row's form (or link, `attribute="href"`) to
    `address`, and a post there comes back to the second page (`core.paging.same_page`)."""
    assert f'{attribute}="{address}?page=2"' in client.get(url, {"page": 2}).content.decode()
    response = client.post(f"{address}?page=2")
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2"
