"""A request body read through its input serializer, in one place.

Views pass the body to a plain `Serializer` for validation only; an invalid body raises DRF's
`ValidationError`, which the API's exception handler answers with 400 in the contract's shape.
Date-times in a body are `MomentField`s, held to the range `core.moments` gives queries and files.
A `PATCH` body is read by a `ChangeSerializer`, which refuses a field it does not know.
"""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.moments import day_in_range, out_of_range_message


def validated_body(serializer_class: type[serializers.Serializer], request, **options) -> dict[str, Any]:
    """The validated fields of `request`'s body (a fresh dict the caller may change); `options` go to
    the serializer (for example `partial=True`)."""
    serializer = serializer_class(data=request.data, **options)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class MomentField(serializers.DateTimeField):
    """An ISO date-time in a request body, within the dates `core.moments` accepts (1900 to 2999).

    DRF's own field converts the value to UTC before any rule of ours runs, and 0001-01-01 at the
    bank's +07:00 is before year 1 there: an OverflowError, a 500. Checked on the text first."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value)
            except ValueError:  # not on the calendar: DRF's own parse below names the mistake
                parsed = None
            if parsed is not None and not day_in_range(parsed):
                raise serializers.ValidationError(out_of_range_message(), code="date_range")
        return super().to_internal_value(value)


class ChangeSerializer(serializers.Serializer):
    """The body of a `PATCH`: every field optional, and a field it does not know refused (400 naming
    it) rather than dropped. A dropped field answered 200 as if the change were made: the contract's
    `name` on a purpose changed nothing for the DPO who sent it. A field of the resource's own
    representation (`representation`) that the change cannot set is passed over, not refused: clients
    often send back what a GET answered with one field changed. Create bodies keep DRF's tolerance
    (the contract lets clients send more than a version reads); a change is only what it names."""

    @staticmethod
    def representation() -> serializers.Serializer | None:
        """The serializer of what a GET of the resource answers."""
        return None

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            known = {name for name, field in self.fields.items() if not field.read_only}
            representation = self.representation()
            if representation is not None:
                known |= set(representation.fields)
            unknown = sorted(str(name) for name in data.keys() if name not in known)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field does not exist here; nothing was changed.")] for name in unknown},
                    code="unknown_field",
                )
        return super().to_internal_value(data)
