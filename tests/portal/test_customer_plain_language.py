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
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)
SKIPPED = re.compile(r"format=|/export|/download|\.csv|\.json|/api/|/logout|/language/")
ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27,})(?=/|$)")
PER_PATTERN = 2
PROJECT_APPS = {
    "consents", "dsr", "deadlines", "authorisations", "regulator", "subjects", "core", "integrations"
}
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


class _Text(HTMLParser):
    """The text a person sees: no scripts, styles or attribute values; one string per text node."""

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.nodes.append(" ".join(data.split()))


def _codes() -> set[str]:
    """Every stored code of every choices field in the project (statuses, channels, kinds...)."""
    from django.apps import apps

    codes: set[str] = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and value:
                    codes.add(value)
    return codes


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


def _crawl(client: Client, starts: list[str]) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(pages) < 150:
        url = queue.popleft()
        if url in pages:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        pages[url] = parser.nodes
        prefix = "/en/" if url.startswith("/en/") else "/"
        for href in parser.links:
            href = urldefrag(href)[0]
            path = urlsplit(href).path + (f"?{urlsplit(href).query}" if urlsplit(href).query else "")
            if not path.startswith(f"{prefix}me/") or SKIPPED.search(path) or path in pages:
                continue
            pattern = ID.sub("/<id>", urlsplit(href).path)
            if seen.get(pattern, 0) >= PER_PATTERN:
                continue
            seen[pattern] = seen.get(pattern, 0) + 1
            queue.append(path)
    return pages


def _pages(language: str) -> dict[str, list[str]]:
    from django.contrib.auth import get_user_model

    client = Client()
    prefix = "/en" if language == "en" else ""
    public = {}
    for path in (f"{prefix}/accounts/login/",):
        parser = _Text()
        parser.feed(client.get(path).content.decode())
        public[path] = parser.nodes
    client.force_login(get_user_model().objects.get(username="customer1"))
    starts = [
        f"{prefix}/me/{path}"
        for path in ("", "consents/", "requests/", "requests/new/", "notice-changes/", "authorisations/")
    ]
    return {**public, **_crawl(client, starts)}


@pytest.mark.parametrize("language", ["en", "vi"])
def test_customer_pages_show_no_raw_code(language):
    call_command("seed_demo", verbosity=0)
    pages = _pages(language)
    assert len(pages) >= 8, sorted(pages)
    codes = _codes()
    problems = []
    for url, nodes in pages.items():
        for node in nodes:
            for pattern in RAW:
                hit = pattern.search(node)
                if hit:
                    problems.append(f"{url}: {hit.group(0)!r} in {node[:80]!r}")
            if node in codes:
                problems.append(f"{url}: raw code {node!r}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_vietnamese_customer_pages_show_no_english_ui_string():
    call_command("seed_demo", verbosity=0)
    pages = _pages("vi")
    phrases = _english_phrases()
    assert len(phrases) > 300
    problems = []
    for url, nodes in pages.items():
        text = "\n".join(nodes)
        for chunk, pattern in phrases:
            if pattern.search(text):
                problems.append(f"{url}: English {chunk!r}")
    assert not problems, "\n".join(sorted(set(problems)))
