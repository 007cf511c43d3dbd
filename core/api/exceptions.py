"""One exception handler: domain errors, Django validation errors and DRF errors all leave the API
in the contract's shape, `{"detail": "..."}` or `{"field": ["message"]}`. A database or broker that
cannot be reached (restart, failover) answers 503 with a `Retry-After` (`core.outage`), never a 500.

DRF nests the errors of a list's items and a dict's keys (`{"purposes": {1: [...]}}`); each field
keeps one flat list of messages instead, each saying where it is: "Item 2: ...", "phone: ...".

DRF's own refusals of a request it cannot take (no credentials, a body that is not JSON, a body type or
an answer format the endpoint does not take, a method it does not have, too many calls, a body of
`null`) carry English
text DRF does not translate; they are said in the project's words, in the caller's language like every
other answer (`protocol_refusal`), their status, code and headers unchanged."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import status
from rest_framework.exceptions import (
    MethodNotAllowed,
    NotAcceptable,
    NotAuthenticated,
    ParseError,
    Throttled,
    UnsupportedMediaType,
    ValidationError,
)
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.errors import DomainError
from core.outage import OUTAGE_CODE, OUTAGE_DETAIL, RETRY_AFTER_SECONDS, is_outage, log_outage


def api_exception_handler(exc, context):
    if is_outage(exc):
        # Not the client's input and not a bug: the transaction rolled back, so a retry is safe.
        log_outage(exc)
        response = Response(
            {"detail": str(OUTAGE_DETAIL), "code": OUTAGE_CODE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    request = context.get("request")
    if isinstance(exc, DomainError):
        response = Response(exc.as_payload(), status=exc.status)
        if exc.field:
            _with_field_codes(response, request, {exc.field: [exc.code]})
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            payload = {
                field: [str(m) for e in errors for m in e.messages]
                for field, errors in exc.error_dict.items()
            }
            codes = {
                field: [one.code or "invalid" for e in errors for one in e.error_list]
                for field, errors in exc.error_dict.items()
            }
            return _with_field_codes(Response(payload, status=status.HTTP_400_BAD_REQUEST), request, codes)
        payload = {"detail": " ".join(exc.messages), "code": "invalid"}
        return Response(payload, status=status.HTTP_400_BAD_REQUEST)
    response = exception_handler(exc, context)
    refusal = protocol_refusal(exc, request, context.get("view"))
    if response is not None and refusal is not None:
        # DRF's own code (`not_authenticated`, `throttled`...), as a domain error's: a client branches on
        # it, not on a sentence in the language it asked for.
        response.data = {"detail": refusal, "code": _drf_code(exc)}
    elif response is not None and not isinstance(exc, ValidationError) and list(response.data) == ["detail"]:
        response.data["code"] = _drf_code(exc)  # `permission_denied`, `not_found`...
    elif response is not None and isinstance(exc, ValidationError):
        if isinstance(response.data, list):
            response.data = {"detail": " ".join(str(m) for m in response.data)}
        elif isinstance(response.data, dict):
            codes = {field: field_codes(errors) for field, errors in response.data.items()}
            response.data = {field: field_messages(errors) for field, errors in response.data.items()}
            _with_field_codes(response, request, codes)
    return response


# RFC 7240: a client asks for the codes; one that does not keeps the contract's `{"field": ["message"]}`,
# whose every key is a field (clients list the keys to find the fields refused).
FIELD_CODES_PREFERENCE = "field-codes"
FIELD_CODES = "field_codes"


def _with_field_codes(response: Response, request, codes: dict[str, list[str]]) -> Response:
    """`response` with `field_codes` (each field's stable codes, one per message, in the messages' order)
    when the request carries `Prefer: field-codes`."""
    asked = request.headers.get("Prefer", "") if request is not None else ""
    preferences = {preference.strip().lower() for preference in asked.split(",")}
    if FIELD_CODES_PREFERENCE in preferences:
        response.data = {**response.data, FIELD_CODES: codes}
        response["Preference-Applied"] = FIELD_CODES_PREFERENCE
    return response


def field_codes(errors: Any) -> list[str]:
    """One field's error codes, flat and in the order `field_messages` gives its messages (DRF's
    `ErrorDetail.code`: `required`, `invalid_choice`, `max_length`...; `invalid` when none is known)."""
    if isinstance(errors, dict):
        return [code for nested in errors.values() for code in field_codes(nested)]
    if isinstance(errors, list | tuple):
        return [code for item in errors for code in field_codes(item)]
    return [getattr(errors, "code", None) or "invalid"]


def protocol_refusal(exc: Exception, request, view) -> str | None:
    """The project's words for one of DRF's own refusals, None for any other exception."""
    if isinstance(exc, ValidationError) and _no_data(exc.detail):
        return _("No data provided: send the request body as a JSON object.")
    if isinstance(exc, NotAuthenticated):
        return _("Send your API token (Authorization: Token <key>) or sign in.")
    if type(exc) is ParseError:  # the project's parsers raise `BodyRefused`, a subclass, in its words
        if "json" in (getattr(request, "content_type", "") or ""):
            return _("The request body is not valid JSON.")
        return _("The request body could not be read.")
    if isinstance(exc, UnsupportedMediaType):
        return _("This endpoint does not take a body of type “%(given)s”; send %(accepted)s.") % {
            "given": getattr(request, "content_type", ""),
            "accepted": _media_types(getattr(view, "parser_classes", ())),
        }
    if isinstance(exc, NotAcceptable):
        return _("This endpoint cannot answer in a format the Accept header allows; ask for %(formats)s.") % {
            "formats": _media_types(getattr(view, "renderer_classes", ())),
        }
    if isinstance(exc, MethodNotAllowed):
        return _("This endpoint does not take %(method)s; it takes %(allowed)s.") % {
            "method": getattr(request, "method", ""),
            "allowed": ", ".join(getattr(view, "allowed_methods", ())),
        }
    if isinstance(exc, Throttled):
        if exc.wait is None:
            return _("Too many calls: this caller is throttled for now. Try again later.")
        return ngettext(
            "Too many calls: this caller is throttled for now. Try again in %(seconds)s second.",
            "Too many calls: this caller is throttled for now. Try again in %(seconds)s seconds.",
            exc.wait,
        ) % {"seconds": exc.wait}
    return None


def _drf_code(exc: Exception) -> str:
    codes = exc.get_codes() if hasattr(exc, "get_codes") else None
    return codes if isinstance(codes, str) else getattr(exc, "default_code", "error")


# DRF's answer to a body of `null`: a plain English string, which its catalogue does not translate.
NO_DATA_PROVIDED = "No data provided"


def _no_data(detail: Any) -> bool:
    """Whether a serializer's errors are DRF's "No data provided" (its whole body was null)."""
    if not isinstance(detail, dict) or list(detail) != [api_settings.NON_FIELD_ERRORS_KEY]:
        return False
    errors = detail[api_settings.NON_FIELD_ERRORS_KEY]
    return [(str(error), getattr(error, "code", None)) for error in errors] == [(NO_DATA_PROVIDED, "null")]


def _media_types(classes) -> str:
    return ", ".join(dict.fromkeys(c.media_type for c in classes))


def field_messages(errors: Any, place: tuple[str, ...] = ()) -> list[str]:
    """One field's errors as a flat list of messages; a nested message starts with where it is.

    DRF gives a list or dict field's item errors as a dict keyed by the item's index (an int) or the
    dict's key (a str), and a nested serializer's with `many=True` as a list with one entry per item
    (empty for the valid ones)."""
    if isinstance(errors, dict):
        messages: list[str] = []
        for key, nested in errors.items():
            messages += field_messages(nested, place if key == api_settings.NON_FIELD_ERRORS_KEY
                                       else (*place, _place(key)))
        return messages
    if isinstance(errors, list | tuple):
        if any(isinstance(item, dict | list | tuple) for item in errors):
            messages = []
            for index, item in enumerate(errors):
                messages += field_messages(item, (*place, _place(index)))
            return messages
        return [_placed(place, message) for message in errors]
    return [_placed(place, errors)]


def _place(key: int | str) -> str:
    if isinstance(key, int):
        return _("Item %(number)s") % {"number": key + 1}
    return str(key)


def _placed(place: tuple[str, ...], message: Any) -> str:
    return f"{', '.join(place)}: {message}" if place else str(message)
