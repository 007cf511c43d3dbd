"""Reads on an adult customer's representatives (`subjects.models.Representative`): who may act for the
customer, on a given day, for a given kind of act (consents or data-subject requests)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from subjects.crypto import blind_index_candidates, fingerprint
from subjects.models import Representative, RepresentativeScope
from subjects.selectors.records import personal_value_masked

# The two kinds of act a representative's authority may cover (`RepresentativeScope`, `BOTH` covers both).
ACT_CONSENTS = RepresentativeScope.CONSENTS.value
ACT_REQUESTS = RepresentativeScope.REQUESTS.value


def representative_initials(representative: Representative) -> str:
    """The representative's name as staff see it outside the representatives page (a form's choice list,
    the consent timeline): initials, as that page shows it until a reason is given and the view audited."""
    return personal_value_masked("full_name", representative.full_name)


def representative_document_masked(representative: Representative) -> str:
    """The written authority's reference as staff see it outside the representatives page (a form's choice
    list): its last four characters, enough to match the paper in hand, as the page hides it until a
    reason is given and the view audited."""
    return personal_value_masked("document_reference", representative.document_reference)


def customer_names_no_representative(*, field: str) -> InvalidInput:
    """The refusal of a customer's own call (the app, internet banking) naming a representative: a
    representative acts at the bank's desks, where staff checked the document."""
    return InvalidInput(
        _("A representative acts for the customer at the bank's desks: a customer's own request or "
          "withdrawal names none."),
        field=field,
    )


def representative_not_recorded() -> InvalidInput:
    """The refusal of a representative named by its record's id that is not one of this customer's (the
    staff forms' choice, a revocation)."""
    return InvalidInput(_("This person is not recorded as the customer's representative."),
                        field="representative")


def id_number_normalised(value: str | None) -> str:
    """An identity number as stored and indexed: without spaces, in capitals."""
    return "".join((value or "").split()).upper()


def representative_document_fingerprint(representative: Representative) -> str:
    """The document's reference as the audit keeps it: a fingerprint salted with the customer's secret,
    the same in the record's entry and in every act done on it, so an act proves which document it relied
    on without the audit holding the reference."""
    return fingerprint(representative.document_reference, salt=representative.subject.fingerprint_salt)


def representatives_of(subject_id) -> QuerySet[Representative]:
    """The customer's representatives, revoked ones too (the history), oldest first."""
    return Representative.objects.filter(subject_id=subject_id).order_by("recorded_at", "id")


def representative_refusal(
    representative: Representative, *, act: str, at: datetime, field: str = "representative"
) -> InvalidInput | None:
    """Why this authority does not let its holder do `act` for the customer at the moment `at` (400 on
    `field`), or None: revoked by then (an act said before the revocation, recorded after it, stays
    valid), outside its period on the act's local day, or outside its scope."""
    on = timezone.localdate(at)
    if representative.revoked_at is not None and representative.revoked_at <= at:
        message = _("This representative's authority was revoked. Ask the customer for their own answer.")
    elif on < representative.valid_from or (representative.valid_until and on > representative.valid_until):
        message = _("This representative's authority is not in force on that day (see its period).")
    elif representative.scope not in (act, RepresentativeScope.BOTH):
        message = _("This representative's authority does not cover this act (see what it covers).")
    else:
        return None
    return InvalidInput(message, field=field)


def representatives_for_act(subject_id, *, act: str, at: datetime) -> list[Representative]:
    """The customer's representatives who may do `act` at `at`: the choices a staff form offers."""
    return [r for r in representatives_of(subject_id) if representative_refusal(r, act=act, at=at) is None]


def representative_for_act(*, subject_id, representative_id, act: str, at: datetime) -> Representative:
    """The representative chosen for an act, refused (400 on `representative`) unless they are this
    customer's and their authority is in force at the act's moment `at` and covers the act."""
    representative = Representative.objects.filter(pk=representative_id, subject_id=subject_id).first()
    if representative is None:
        raise representative_not_recorded()
    if (refusal := representative_refusal(representative, act=act, at=at)) is not None:
        raise refusal
    return representative


def representative_by_id_number(
    *, subject_id, id_number: str, act: str, at: datetime, field: str, named_by_customer: bool = False
) -> Representative:
    """The customer's representative holding this identity number (found through its blind index) whose
    authority lets them do `act` at the moment `at`; refused on `field` when none is recorded with it, or
    with the reason the latest one recorded does not cover it (revoked, out of its period or scope), or
    named by the customer themself (`named_by_customer`, `customer_names_no_representative`)."""
    if named_by_customer:
        raise customer_names_no_representative(field=field)
    recorded = list(
        representatives_of(subject_id)
        .filter(id_number_index__in=blind_index_candidates(id_number_normalised(id_number)))
        .order_by("-recorded_at", "-id")
    )
    if not recorded:
        raise InvalidInput(_("No representative with this identity number is recorded for the customer: "
                             "record their authority on the customer's page first."), field=field)
    for representative in recorded:
        if representative_refusal(representative, act=act, at=at) is None:
            return representative
    raise representative_refusal(recorded[0], act=act, at=at, field=field)
