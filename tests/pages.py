"""Reading a rendered page whatever language it speaks: a staff member's pages are in their own
language, Vietnamese or English."""
from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

LANGUAGES = ("vi", "en")


def translated(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


def in_either_language(text: str, html: str, **values) -> bool:
    """Whether the page shows `text` (a msgid, `%`-formatted with `values` when given) in one of them."""
    return any((translated(text, lang) % values if values else translated(text, lang)) in html
               for lang in LANGUAGES)
