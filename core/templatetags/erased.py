"""`{{ request.outcome_note|erased_shown }}`: words the customer's deletion erased read as a sentence in
the reader's language, not as the stored marker (`core.erased`)."""

from __future__ import annotations

from django import template

from core.erased import erased_words_shown

register = template.Library()
register.filter("erased_shown", erased_words_shown)
