"""Showing a domain error on the form a person filled in."""
from __future__ import annotations

from django import forms

from core.errors import DomainError


def form_error(form: forms.Form, error: DomainError, *, field: str | None = None) -> None:
    """Put the error's message on its field when the form has that field, else above the form.

    `field` names the form's field when it differs from the service's (a form asking for a CIF where
    the service speaks of a subject)."""
    name = field or error.field
    form.add_error(name if name in form.fields else None, error.text)
