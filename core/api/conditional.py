"""Answers a client keeps and revalidates: the purpose catalogue a mobile app reads at every start.

Every answer to a signed-in caller is `no-store` (`core.middleware.NoStoreForSignedInMiddleware`), which
is right for personal data and made the app download the whole catalogue, in full, on each start. A view
whose answers hold no personal data mixes `RevalidatedMixin` in: its `GET` answers carry an `ETag` (a
digest of the bytes sent, so of the language too) and `Cache-Control: private, no-cache` (kept by the
caller, asked again each time), and a request whose `If-None-Match` names the current one is answered
`304 Not Modified` with no body.
"""

from __future__ import annotations

import hashlib

from django.utils.cache import get_conditional_response, quote_etag
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

# Kept by the caller alone, and used only once the server has said it is still current.
REVALIDATE = "private, no-cache"


# What a view mixing `RevalidatedMixin` in adds to its `GET` operation's schema.
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER,
    description="The `ETag` of the copy you hold: 304 with no body while it is current.",
)
NOT_MODIFIED = {304: OpenApiResponse(description="Not modified: the copy whose ETag you sent is current.")}


def holds_no_personal_data(response) -> bool:
    """Whether a view marked its answer as one that holds no personal data (`RevalidatedMixin`)."""
    return getattr(response, "holds_no_personal_data", False)


class RevalidatedMixin:
    """For a DRF view whose `GET` answers hold no personal data (module docstring)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        answer = get_conditional_response(request, etag=etag, response=response)
        answer["Cache-Control"] = REVALIDATE
        answer.holds_no_personal_data = True
        return answer
