"""The refusals of every API operation in `/api/schema/`, in the contract's shape.

drf-spectacular lists what a view declares, which for most is only its success: a client generated from
the schema (a mobile app's backend) then has no type for the `409` of a grant or the `429` of a busy
consent check, nor a word of `Retry-After`. `error_responses`, a postprocessing hook
(`SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`), adds to each operation under `/api/v1/` the refusals
`core.api.exceptions.api_exception_handler` gives, where the view did not describe them itself: 400
(`{"detail", "code"}` or field errors: a bad body, an unknown query parameter), 401, 403, 404 on a path
naming one resource, 409 on a write, 429 and 503 with `Retry-After`. A refusal a view describes keeps its
words; a bare object schema there becomes the shared one.
"""

from __future__ import annotations

from typing import Any

API_PREFIX = "/api/v1/"
WRITES = frozenset({"post", "put", "patch", "delete"})
BARE_OBJECT = {"type": "object", "additionalProperties": {}}

ERROR = {
    "type": "object",
    "description": "A refusal: `detail` in the language asked (Accept-Language), `code` to branch on when "
    "the refusal has one (`already_granted`, `notice_outdated`, `not_found`...).",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "The input refused field by field: each field (or query parameter) it names, with its "
    "messages in the language asked. Sent with `Prefer: field-codes`, the answer adds `field_codes` (and "
    "`Preference-Applied: field-codes`): each field's stable codes (`required`, `invalid_choice`, "
    "`max_length`, `invalid`, a domain error's own...), one per message, in the messages' order.",
    "properties": {
        "field_codes": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before sending the request again.", "schema": {"type": "integer"},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: dict, **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}, **extra}


def _refusals(path: str, method: str) -> dict[str, dict[str, Any]]:
    refusals = {
        "400": _answer(
            "Input refused: a field error, or a query parameter the operation does not take.",
            {"oneOf": [_ref("Error"), _ref("FieldErrors")]},
        ),
        "401": _answer("No credentials, or a token unknown, revoked or expired.", _ref("Error")),
        "403": _answer("The caller's role or the token's scopes do not allow this.", _ref("Error")),
        "429": _answer("Too many calls for this token or person.", _ref("Error"), headers=RETRY_AFTER),
        "503": _answer(
            "The database or broker is briefly unreachable; nothing was written: retry after the wait "
            "(with the same Idempotency-Key).",
            _ref("Error"), headers=RETRY_AFTER,
        ),
    }
    if "{" in path:
        refusals["404"] = _answer("No such resource, or not one the caller may see.", _ref("Error"))
    if method in WRITES:
        refusals["409"] = _answer("Refused by the resource's state; `code` says why.", _ref("Error"))
    return refusals


def error_responses(result: dict, generator, request, public) -> dict:
    """Add the refusals each operation under /api/v1/ gives and does not describe (module docstring)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, refusal in _refusals(path, method).items():
                described = responses.get(status)
                if described is None:
                    responses[status] = refusal
                    continue
                described_json = described.get("content", {}).get("application/json", {})
                if described_json.get("schema") == BARE_OBJECT:
                    described_json["schema"] = refusal["content"]["application/json"]["schema"]
    return result
