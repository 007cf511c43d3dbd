"""Look-ups shared by the regulator's services: inventory rows (systems, data categories) by code."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput


def codes_lookup(model: type[Model], codes: Iterable[str] | None, field: str) -> list:
    """The rows of `model` with these codes (blank codes ignored, duplicates folded); an InvalidInput
    on `field` naming every unknown code."""
    wanted = sorted({c for c in (codes or []) if c})
    found = list(model.objects.filter(code__in=wanted))
    missing = set(wanted) - {obj.code for obj in found}
    if missing:
        raise InvalidInput(_("Unknown code(s): %(codes)s."), field=field, codes=", ".join(sorted(missing)))
    return found
