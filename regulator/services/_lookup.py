"""Look-ups shared by the regulator's services: inventory rows (systems, data categories) by code, and
the breach locked for a change."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from core.db import locked_or_not_found
from core.errors import InvalidInput
from regulator.models import Breach


def codes_lookup(model: type[Model], codes: Iterable[str] | None, field: str) -> list:
    """The rows of `model` with these codes (blank codes ignored, duplicates folded); an InvalidInput
    on `field` naming every unknown code."""
    wanted = sorted({c for c in (codes or []) if c})
    found = list(model.objects.filter(code__in=wanted))
    missing = set(wanted) - {obj.code for obj in found}
    if missing:
        raise InvalidInput(_("Unknown code(s): %(codes)s."), field=field, codes=", ".join(sorted(missing)))
    return found


def breach_for_update(breach_id) -> Breach:
    """The breach, locked for the caller's transaction; NotFound when there is none."""
    return locked_or_not_found(Breach, breach_id, _("No breach with this id."))
