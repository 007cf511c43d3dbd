"""Reading a rendered page whatever language it speaks: a staff member's pages are in their own
language, Vietnamese or English; the hidden inputs of its forms, as a browser posts them."""
from __future__ import annotations

from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import gettext

from tests.html_tree import parse

LANGUAGES = ("vi", "en")


def translated(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


def in_either_language(text: str, html: str, **values) -> bool:
    """Whether the page shows `text` (a msgid, `%`-formatted with `values` when given) in one of them."""
    return any((translated(text, lang) % values if values else translated(text, lang)) in html
               for lang in LANGUAGES)


class _Hidden(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def hidden_fields(page: bytes) -> dict:
    """Every hidden input of the page (the form's own tokens, whatever they are), as a browser posts them."""
    parser = _Hidden()
    parser.feed(page.decode())
    return parser.fields


def form_hidden_fields(page: bytes, action: str = "") -> dict:
    """The hidden inputs of the one form of the page that posts to `action` (to the page itself when
    `action` is empty), as a browser posts them: each form of a page carries its own tokens."""
    forms = parse(page).find_all("form", method="post")
    [form] = [form for form in forms if form.get("action", "") == action]
    return {field.get("name"): field.get("value", "") for field in form.find_all("input", type="hidden")
            if field.get("name")}
