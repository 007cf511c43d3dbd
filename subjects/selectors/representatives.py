"""Reads on an adult customer's representatives (`subjects.models.Representative`): who may act for the
customer, on a given day, for a given kind of act (consents or data-subject requests)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from subjects.models import Representative, RepresentativeScope

# The two kinds of act a representative's authority may cover (`RepresentativeScope`, `BOTH` covers both).
ACT_CONSENTS = RepresentativeScope.CONSENTS.value
ACT_REQUESTS = RepresentativeScope.REQUESTS.value


def representatives_of(subject_id) -> QuerySet[Representative]:
    """The customer's representatives, revoked ones too (the history), oldest first."""
    return Representative.objects.filter(subject_id=subject_id).order_by("recorded_at", "id")


def representative_refusal(representative: Representative, *, act: str, on: date) -> InvalidInput | None:
    """Why this authority does not let its holder do `act` for the customer on the day `on` (400 on
    `representative`), or None: revoked (from then on; a record keeps naming the authority it was done
    on), outside its period, or outside its scope."""
    if representative.revoked_at is not None:
        message = _("This representative's authority was revoked. Ask the customer for their own answer.")
    elif on < representative.valid_from or (representative.valid_until and on > representative.valid_until):
        message = _("This representative's authority is not in force on that day (see its period).")
    elif representative.scope not in (act, RepresentativeScope.BOTH):
        message = _("This representative's authority does not cover this act (see what it covers).")
    else:
        return None
    return InvalidInput(message, field="representative")


def representatives_for_act(subject_id, *, act: str, on: date) -> list[Representative]:
    """The customer's representatives who may do `act` on the day `on`: the choices a staff form offers."""
    return [r for r in representatives_of(subject_id) if representative_refusal(r, act=act, on=on) is None]


def representative_for_act(*, subject_id, representative_id, act: str, on: date) -> Representative:
    """The representative chosen for an act, refused (400 on `representative`) unless they are this
    customer's and their authority is in force on the day and covers the act."""
    representative = Representative.objects.filter(pk=representative_id, subject_id=subject_id).first()
    if representative is None:
        raise InvalidInput(_("This person is not recorded as the customer's representative."),
                           field="representative")
    if (refusal := representative_refusal(representative, act=act, on=on)) is not None:
        raise refusal
    return representative
