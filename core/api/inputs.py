"""A request body read through its input serializer, in one place.

Views pass the body to a plain `Serializer` for validation only; an invalid body raises DRF's
`ValidationError`, which the API's exception handler answers with 400 in the contract's shape.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def validated_body(serializer_class: type[serializers.Serializer], request, **options) -> dict[str, Any]:
    """The validated fields of `request`'s body (a fresh dict the caller may change); `options` go to
    the serializer (for example `partial=True`)."""
    serializer = serializer_class(data=request.data, **options)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
