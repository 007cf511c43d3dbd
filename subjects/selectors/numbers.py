"""Reads on customer numbers (CIFs): the number a record carries now, the ones it left (renumbered or
mistyped) and the refusals that name the number in use, shared by the API, the pages and the other apps."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError, InvalidInput, NotFound
from subjects.models import SAME_PERSON_NUMBER_KINDS, CustomerNumberChange, DataSubject
from subjects.selectors.records import subject_for_ref
from subjects.validators import cif_candidates, cif_pick, cif_spellings

NUMBER_MOVED = _(
    "This customer number (CIF) is no longer in use: the customer is now %(external_ref)s. "
    "Send the new number."
)


def customer_numbers_now(external_refs: Iterable[str]) -> dict[str, str]:
    """Each of these numbers, as sent, that core banking renumbered (or a non-customer's reference left
    when they opened an account) → the number its record carries now
    (one query; asked once no record carries them, so a caller is told where the customer went). A
    mistyped number is not forwarded: it is likely another person's, whom it must not send to this one."""
    refs = [ref for ref in external_refs if ref]
    if not refs:
        return {}
    left = CustomerNumberChange.objects.filter(
        old_ref__in=set().union(*map(cif_spellings, refs)), kind__in=SAME_PERSON_NUMBER_KINDS
    )
    # Oldest first, so a number left twice maps to the record that left it last.
    now_carried = dict(left.order_by("changed_at").values_list("old_ref", "subject__external_ref"))
    picked = {ref: cif_pick(now_carried, ref) for ref in refs}
    return {ref: number for ref, number in picked.items() if number is not None}


def customer_number_now(external_ref: str | None) -> str | None:
    """`customer_numbers_now` for one number: the number in use now, or None."""
    return customer_numbers_now([external_ref]).get(external_ref) if external_ref else None


def unknown_customer_number(external_ref: str | None) -> DomainError:
    """The refusal for a customer number no record carries: 404 `customer_number_changed` with the
    number now in use when a record left it (a caller acting on the old number must not read "no such
    customer" as "no consent"; a 404, since the contract's statuses are the ones integrators handle),
    else 404 `subject_not_found`."""
    moved_to = customer_number_now(external_ref)
    if moved_to is None:
        return NotFound(_("No customer with this customer number (CIF)."), code="subject_not_found")
    return NotFound(NUMBER_MOVED, code="customer_number_changed", data={"external_ref": moved_to},
                    external_ref=moved_to)


def subject_by_cif_or_400(external_ref: str | None, *, field: str = "subject") -> DataSubject:
    """The subject a CIF sent in a write names (`subject_for_ref`), else 400 on `field`: naming the
    number now in use when the customer left this one, so the sender corrects it instead of
    registering the customer again."""
    subject = subject_for_ref(external_ref)
    if subject is None:
        raise unknown_customer_number_input(external_ref, field=field)
    return subject


def unknown_customer_number_input(external_ref: str | None, *, field: str | None = None) -> InvalidInput:
    """The 400 for a customer number no record carries, naming the number now in use when a record
    left it (a consent form or an import row written before the customer was renumbered)."""
    moved_to = customer_number_now(external_ref)
    if moved_to is None:
        return InvalidInput(_("No customer with this customer number (CIF)."), field=field)
    return InvalidInput(NUMBER_MOVED, field=field, external_ref=moved_to)


def former_number_check(external_ref: str, *, holder: DataSubject | None = None) -> None:
    """Refuse to give a number a record left to another record, by registering a customer under it or
    renumbering one onto it: it is that person's former number, and a second record under it would split
    them in two (409 `customer_number_changed`). `holder`: the record being renumbered, which may go back
    to a number it left itself."""
    moved_to = customer_number_now(external_ref)
    if moved_to is not None and (holder is None or moved_to != holder.external_ref):
        raise Conflict(NUMBER_MOVED, code="customer_number_changed", data={"external_ref": moved_to},
                       external_ref=moved_to)


def former_customer_numbers(subject: DataSubject) -> QuerySet[CustomerNumberChange]:
    """The numbers the customer carried before, oldest first, with why and when each was left."""
    return subject.number_changes.order_by("changed_at", "pk")


def customer_number_at(subject: DataSubject, at: datetime) -> str:
    """The customer number `subject` carried at `at`: the one proof issued then names. Reads the changes
    through `.all()`, so a caller issuing many receipts prefetches `number_changes` once."""
    left_later = (change.old_ref for change in subject.number_changes.all() if change.changed_at > at)
    return next(left_later, subject.external_ref)


def subject_id_subquery_for_ref(external_ref: str | None) -> QuerySet[DataSubject]:
    """The id of the subject `subject_for_ref` finds, as a one-row subquery: a list narrowed to one
    customer by a typed CIF (`subject_id=Subquery(...)`) in the list's own query, not one more."""
    exact, _upper = cif_candidates(external_ref)
    exact_first = Case(When(external_ref=exact, then=Value(0)), default=Value(1))
    return (
        DataSubject.objects.filter(external_ref__in=cif_spellings(external_ref))
        .order_by(exact_first)
        .values("pk")[:1]
    )


def subject_id_subquery_for_cif(external_ref: str | None) -> QuerySet[DataSubject]:
    """The id of the subject carrying this customer number (CIF) as `subject_id_subquery_for_ref` finds
    it, else of the one that left it last (renumbered or mistyped: the number on an old paper form), as a
    one-row subquery: the one look-up every list's and the audit trail's `?subject=` narrows by."""
    spellings = cif_spellings(external_ref)
    exact, _upper = cif_candidates(external_ref)
    left = CustomerNumberChange.objects.filter(old_ref__in=spellings)
    carried_first = Case(
        When(external_ref=exact, then=Value(0)), When(external_ref__in=spellings, then=Value(1)),
        default=Value(2),
    )
    return (
        DataSubject.objects.filter(Q(external_ref__in=spellings) | Q(pk__in=left.values("subject_id")))
        .annotate(left_at=Subquery(
            left.filter(subject=OuterRef("pk")).order_by("-changed_at").values("changed_at")[:1]
        ))
        .order_by(carried_first, F("left_at").desc(nulls_last=True))
        .values("pk")[:1]
    )

def cifs_of(subject_ids) -> dict[uuid.UUID, str]:
    """The customer number (CIF) of each of these subject ids, in one query (no personal data read)."""
    return dict(DataSubject.objects.filter(pk__in=list(subject_ids)).values_list("pk", "external_ref"))


def subject_id_for_cif(external_ref: str) -> uuid.UUID | None:
    """The id of the subject `subject_id_subquery_for_cif` names, or None."""
    return subject_id_subquery_for_cif(external_ref).values_list("pk", flat=True).first()
