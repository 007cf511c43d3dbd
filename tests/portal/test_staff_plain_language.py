"""Staff read labels, not the codes the data is stored under.

Crawls the portal in Vietnamese as each staff role of the demo, following the links each sees. A
staff page may show an identifier where it means one (a CIF, a purpose or system code, an API scope,
a command to type): in `code`, `kbd`, `pre`, a form's `option` or `textarea`, or `class="mono"`.
Anywhere else it fails on a text that is exactly a stored code (a status, a legal basis, a recipient
kind...), a snake_case word (`notification_due`, `phase_1_submitted`, `System core_banking`), or an
ISO 8601 time (`2026-11-29T03:46`), which is how the printable documents once read, or a
customer's actor label (`customer#5`).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.portal.crawl import crawl, raw_codes
from tests.runs import once_in_ci

pytestmark = pytest.mark.django_db

RAW = [
    re.compile(r"customer#\d+"),
    re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d"),
]


@once_in_ci("sqlite", "pages read the same on any database")
@pytest.mark.parametrize("username", ["officer", "privacy", "dpo", "auditor"])
def test_staff_pages_in_vietnamese_show_labels_not_codes(demo, username):
    call_command("seed_demo", verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    pages = crawl(client, ["/portal/"], "/portal/", identifiers_shown=True, limit=300)
    assert len(pages) >= 20, sorted(pages)
    problems = raw_codes(pages, RAW)
    assert not problems, "\n".join(problems)
