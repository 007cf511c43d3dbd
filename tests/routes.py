"""The site's routes as the URL resolver serves them, for tests that walk every endpoint."""
from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def site_routes(patterns=None, prefix: str = ""):
    """Every (route, view) the site serves, with language prefixes stripped (they share views)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = "" if type(pattern.pattern).__name__ == "LocalePrefixPattern" else str(pattern.pattern)
            yield from site_routes(pattern.url_patterns, prefix + inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def api_view_class(callback):
    """The class of a DRF or class-based view, None for a function view."""
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def api_methods(callback) -> set[str]:
    view = api_view_class(callback)
    if view is None:
        return set()
    return {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
