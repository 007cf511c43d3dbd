"""A page's <title> is the first thing a screen reader says, and the name of its browser tab: it must
say which page this is (WCAG 2.4.2). A privacy officer works with the queue and several requests open
in tabs; in Vietnamese every one of them is called "Yêu cầu"."""
from __future__ import annotations

import pytest

from tests.dsr.factories import make_request
from tests.factories import make_subject, signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def title(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return parse(response.content).find("title").text()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_each_request_page_has_its_own_title(privacy_officer, prefix):
    first = make_request(make_subject(), type="access")
    second = make_request(make_subject(), type="delete")
    client = signed_in(privacy_officer)

    queue = title(client, f"{prefix}/portal/requests/")
    one = title(client, f"{prefix}/portal/requests/{first.pk}/")
    other = title(client, f"{prefix}/portal/requests/{second.pk}/")

    assert len({queue, one, other}) == 3, (queue, one, other)
    assert first.reference in one and second.reference in other
