"""Issue #18: a customer never reads a raw code or an untranslated English string.

Crawls every self-service page (and the public pages) as the demo customer, in English and in
Vietnamese, following the links the customer sees. It fails on
* raw codes in the visible text: `customer#5`, `seed_demo`, snake_case names (`in_progress`,
  `sensitive_acknowledged`), `true`/`false`, and any text that is exactly a stored code (a status,
  channel, legal basis, request type...);
* on Vietnamese pages, English UI strings: every msgid of the project's English catalogues whose
  Vietnamese text differs from it (or that has none), found in the rendered page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.portal.crawl import VisibleText, crawl, raw_codes
from tests.runs import once_in_ci

pytestmark = [pytest.mark.django_db, once_in_ci("sqlite", "pages read the same on any database")]

BASE = Path(settings.BASE_DIR)
RAW = [
    re.compile(r"customer#\d+"),
    re.compile(r"\bseed_demo\b"),
    re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),  # snake_case: a code or a field name
    re.compile(r"\b[a-z]+:(?:read|write)\b"),  # an API scope code ("transactions:read")
    re.compile(r"(?<![\w-])(true|false|None)(?![\w-])"),
]
# Shown on purpose in both languages (names of formats and of the law, acronyms).
# The language switch names each language in its own words ("English" on every Vietnamese page).
SAME_IN_BOTH = {"json", "csv", "html", "otp", "ekyc", "cccd", "sha-256", "email", "e-mail", "english"}


WEB_ADDRESS = re.compile(r"https?://\S+")


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (singular entries; enough to list the UI's strings)."""

    def unquote(block: str) -> str:
        raw = "".join(re.findall(r'"(.*)"', block))
        return raw.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")

    text = path.read_text(encoding="utf-8")
    pattern = r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)'
    return {unquote(i): unquote(t) for i, t in re.findall(pattern, text, flags=re.M) if unquote(i)}


def _english_phrases() -> list[tuple[str, re.Pattern]]:
    """English UI strings a Vietnamese page must not show: the literal parts of every msgid whose
    Vietnamese text differs from it or is missing (a string kept the same on purpose is skipped)."""
    english: dict[str, None] = {}
    same: set[str] = set()
    for root in [BASE, *BASE.glob("*")]:
        en, vi = root / "locale/en/LC_MESSAGES/django.po", root / "locale/vi/LC_MESSAGES/django.po"
        if en.exists():
            english.update(dict.fromkeys(_po_entries(en)))
        if vi.exists():
            same |= {msgid for msgid, msgstr in _po_entries(vi).items() if msgstr == msgid}
    found = []
    for msgid in english:
        if msgid in same:
            continue
        for chunk in re.split(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|[“”\"():;,.!?·—–/|]", msgid):
            chunk = chunk.strip()
            words = re.findall(r"[A-Za-z]{2,}", chunk)
            if not words or chunk.lower() in SAME_IN_BOTH or not chunk.isascii():
                continue
            # A lone word counts only when it is the whole UI string ("version", "Cancel"): a word
            # cut out of a sentence is too common to tell a mistake from a name.
            if len(words) == 1 and (len(chunk) < 4 or chunk != msgid.strip()):
                continue
            found.append((chunk, re.compile(r"(?<![\w-])" + re.escape(chunk) + r"(?![\w-])")))
    return found


def _pages(language: str) -> dict[str, list[str]]:
    from django.contrib.auth import get_user_model

    client = Client()
    prefix = "/en" if language == "en" else ""
    public = {}
    for path in (f"{prefix}/accounts/login/",):
        parser = VisibleText()
        parser.feed(client.get(path).content.decode())
        public[path] = parser.nodes
    client.force_login(get_user_model().objects.get(username="customer1"))
    starts = [
        f"{prefix}/me/{path}"
        for path in ("", "consents/", "requests/", "requests/new/", "notice-changes/", "authorisations/")
    ]
    return {**public, **crawl(client, starts, f"{prefix}/me/")}


@pytest.mark.parametrize("language", ["en", "vi"])
def test_customer_pages_show_no_raw_code(demo, language):
    call_command("seed_demo", verbosity=0)
    pages = _pages(language)
    assert len(pages) >= 8, sorted(pages)
    problems = raw_codes(pages, RAW)
    assert not problems, "\n".join(problems)


def test_vietnamese_customer_pages_show_no_english_ui_string(demo):
    call_command("seed_demo", verbosity=0)
    pages = _pages("vi")
    phrases = _english_phrases()
    assert len(phrases) > 300
    problems = []
    for url, nodes in pages.items():
        # A web address a message quotes (".../me/consents/") is an address, not a UI string.
        text = WEB_ADDRESS.sub(" ", "\n".join(nodes))
        for chunk, pattern in phrases:
            if pattern.search(text):
                problems.append(f"{url}: English {chunk!r}")
    assert not problems, "\n".join(sorted(set(problems)))
