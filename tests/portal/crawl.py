"""Reading pages as a person does, for the plain-language tests: the visible text of a page, a
crawl that follows the links a signed-in person sees, and the stored codes no page should show."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client

# Not pages: downloads, the API, and the links that would end the crawl (sign out, switch language).
SKIPPED = re.compile(r"format=|/export|/download|/receipt\.|\.csv|\.json|/api/|/logout|/language/")
ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27,})(?=/|$)")
# Pages of one URL pattern read at the most (two customers' receipts say what a hundred would).
PER_PATTERN = 2
PROJECT_APPS = {
    "consents", "dsr", "deadlines", "authorisations", "regulator", "subjects", "core", "integrations"
}
_NEVER_READ = frozenset({"script", "style", "template"})
# Where a staff page shows an identifier on purpose (a CIF, a system code, a command to type).
_IDENTIFIERS = frozenset({"code", "kbd", "samp", "pre", "textarea", "option"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class VisibleText(HTMLParser):
    """The text a person reads, one string per text node, and the page's links. With
    `identifiers_shown`, text inside `code`-like elements or `class="mono"` is left out: staff pages
    show codes there on purpose, and only there. Text an element marks as another language than the
    page's (`lang="en"` on a Vietnamese page: a receipt's notice in both languages) is left out too:
    it is content shown in that language on purpose, not the page's own wording."""

    def __init__(self, *, identifiers_shown: bool = False):
        super().__init__()
        self.nodes: list[str] = []
        self.links: list[str] = []
        self._skipped = _NEVER_READ | (_IDENTIFIERS if identifiers_shown else frozenset())
        self._identifiers_shown = identifiers_shown
        self._open: list[tuple[str, bool]] = []  # (tag, left out) of each element not yet closed
        self._page_language = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes.get("href") or "")
        if tag in _VOID:
            return
        mono = self._identifiers_shown and "mono" in (attributes.get("class") or "").split()
        if tag == "html":
            self._page_language = attributes.get("lang") or ""
        other_language = tag != "html" and attributes.get("lang") not in (None, self._page_language)
        self._open.append((tag, tag in self._skipped or mono or other_language))

    def handle_endtag(self, tag):
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        if data.strip() and not any(left_out for _tag, left_out in self._open):
            self.nodes.append(" ".join(data.split()))


def crawl(client: Client, starts: list[str], area: str, *, identifiers_shown: bool = False,
          limit: int = 150) -> dict[str, list[str]]:
    """Visible text by URL of the HTML pages reached from `starts` through links under `area`."""
    pages: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(pages) < limit:
        url = queue.popleft()
        if url in pages:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = VisibleText(identifiers_shown=identifiers_shown)
        parser.feed(response.content.decode())
        pages[url] = parser.nodes
        for href in parser.links:
            parts = urlsplit(urldefrag(href)[0])
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if not path.startswith(area) or SKIPPED.search(path) or path in pages:
                continue
            pattern = ID.sub("/<id>", parts.path)
            if seen.get(pattern, 0) >= PER_PATTERN:
                continue
            seen[pattern] = seen.get(pattern, 0) + 1
            queue.append(path)
    return pages


def raw_codes(pages: dict[str, list[str]], patterns: list[re.Pattern]) -> list[str]:
    """Where `pages` show a code: a text matching one of `patterns`, or a text that is exactly a
    stored code; one line per place, pages that differ only by an id counted once."""
    codes = stored_codes()
    found = set()
    for url, nodes in pages.items():
        for node in nodes:
            hits = [hit.group(0) for pattern in patterns if (hit := pattern.search(node))]
            if node in codes:
                hits.append(node)
            found |= {f"{ID.sub('/<id>', url)}: {hit!r} in {node[:80]!r}" for hit in hits}
    return sorted(found)


def stored_codes() -> set[str]:
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
