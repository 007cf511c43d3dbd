"""Links in messages: a portal page at its address in the reader's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from integrations.outbox import absolute_url


def absolute_url_in(language: str, view_name: str, *args: Any) -> str:
    """The full link to a portal page at its address in `language` (`/en/…` for English): a message
    leads its reader to the page in the language it is written in, not in the language of the page,
    API call or job that sent it."""
    with translation.override(language):
        return absolute_url(reverse(view_name, args=args))


def absolute_urls_by_language(view_name: str, *args: Any) -> dict[str, str]:
    """`absolute_url_in` for every language the site speaks, for a mailing to many readers."""
    return {code: absolute_url_in(code, view_name, *args) for code, _name in settings.LANGUAGES}
