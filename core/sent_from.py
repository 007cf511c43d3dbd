"""The page a form was sent from: the Referer, only when it is an address on this site.

A POST is answered at the form's action, which often takes POST only; pages that must send the
person back (the language switch, the expired-form page, the sign-in after a session ended) use
the page the form was on instead.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme


def same_site_referer(request) -> str:
    """The path (and query) of the Referer on this site, or "" when there is none or it is elsewhere."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    # "//host/x" and "/\\host/x" are read by browsers as another site's address.
    return "" if path.startswith(("//", "/\\")) else path
