"""What a person's words read once the customer's deletion request erased them: one marker stored in
place of every such field (a withdrawal's or a revocation's reason, a void's note, staff's words about
the customer on their requests; docs/requests.md, "What the platform erases"), and the sentence a
person reads in its place, in their language (`erased_words_shown`, `{{ text|erased_shown }}`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.db import encrypted_update

# A fixed English text whatever the language, so a program reading the JSON or the API compares it.
REASON_ERASED = "[erased at the customer's request]"
ERASED_SHOWN = _("Erased at the customer's request")


def erased_words_shown(text: str | None) -> str | None:
    """`text` as a page, document or export shows it: the erased marker as a sentence in the active
    language, any other text (or None) as it is."""
    return str(ERASED_SHOWN) if text == REASON_ERASED else text


def erased_words_kept(text: str) -> str:
    """The words `text` still holds for a form that changes them: none once erased, so the form starts
    empty rather than from the marker (or its sentence, which sent back unchanged would be stored)."""
    return "" if text == REASON_ERASED else text


def words_erase(rows: models.QuerySet, field: str) -> int:
    """The encrypted `field` of `rows` read `REASON_ERASED` where it holds words, in one UPDATE (the
    caller's transaction, `encrypted_update`); one already erased is not counted again. Returns how
    many were erased."""
    return encrypted_update(
        rows, field, value=REASON_ERASED, where=lambda text: text not in ("", REASON_ERASED)
    )
