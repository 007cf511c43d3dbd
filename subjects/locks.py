"""Locking a customer's row: the first lock of every write about that customer.

One order for every write: the customer's row first (`subject_locked`; several customers:
`subjects_locked`, in id order), then the row the write changes (a data-subject request:
`dsr.services.base.request_locked`), then the rest; the audit entries come last in effect, because
`audit_record` locks the chain's one head row until the transaction ends. Two writers of one customer
then take turns at the customer's row, before either holds anything the other needs. A writer that
locked the customer late, after an audit entry (verifying a restriction did, while a consent grant
locks the customer first), waited holding the head for a writer waiting for the head: PostgreSQL
aborted one of them ("deadlock detected"). Read the clock once the locks are held, so a write that
waited is stamped after the one it waited for.

A customer's row is locked FOR NO KEY UPDATE everywhere: none of these writes changes its id or CIF. It
excludes every other writer of the customer as FOR UPDATE would, but not the inserts of rows naming
the customer (a consent, a request, a notice), whose foreign key takes a KEY SHARE lock on the row;
a FOR UPDATE taken later in a transaction holding the weaker lock would have to wait for those.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.db import any_of, first_of, lock_wait_timed_out
from core.errors import Conflict, NotFound
from subjects.models import DataSubject

# How many times a set of items is locked afresh after a customer that joined it late was held by
# another writer; beyond, the caller answers 409 (try again) rather than keep its users waiting.
LATE_CUSTOMER_ROUNDS = 5


def subjects_locked(
    *, skip_locked: bool = False, nowait: bool = False, **filters: Any
) -> QuerySet[DataSubject]:
    """The customers matching `filters`, in id order (so two writers of many never cross), locked
    for the caller's transaction as they are read; with `skip_locked`, those another transaction holds
    are left out (a sweep's next run takes them) rather than waited for; with `nowait`, one held
    fails the statement (PostgreSQL, SQLSTATE 55P03) rather than being waited for."""
    return (
        DataSubject.objects.select_for_update(no_key=True, skip_locked=skip_locked, nowait=nowait)
        .filter(**filters)
        .order_by("pk")
    )


def of_customers_locked(*items: QuerySet, customer: str, limit: int) -> list[QuerySet]:
    """For a sweep: each of `items` narrowed to those whose customers (the field path `customer`, e.g.
    "subject_id") this transaction now holds, or that name none (a filing). The customers of the first
    `limit` of each are locked first, all in one statement in id order, skipping any another writer
    holds: the next run takes their items, and the sweep never holds an item while it waits for a
    customer (or for the audit head) that writer holds, nor locks a customer after an item."""
    customers = subjects_locked(skip_locked=True).filter(first_of(items, customer, limit))
    held = list(customers.values_list("pk", flat=True))
    mine = Q(any_of(customer, held)) | Q(**{f"{customer}__isnull": True})
    return [rows.filter(mine) for rows in items]


def subjects_lock(ids: Iterable[Any], *, nowait: bool = False) -> list[Any]:
    """Lock these customers' rows for the caller's transaction, without loading them; returns the ids
    locked (with `nowait`, see `subjects_locked`). A queryset (`values("subject_id")`) goes in the
    statement as a subquery: a third party's tens of thousands of customers are not read out and sent
    back to be locked; the ids locked, once read out, go back as one array (`core.db.any_of`)."""
    ids = ids if isinstance(ids, QuerySet) else list(ids)
    return list(subjects_locked(pk__in=ids, nowait=nowait).values_list("pk", flat=True))


def locked_after_customers(items: QuerySet, *, customers_of: QuerySet | None = None) -> list:
    """`items` (rows naming their customer in `subject_id`) locked for the caller's transaction, in id
    order, each only once its customer is held: the customers of `customers_of` (by default `items`)
    first, in one statement in id order, then the items of those customers.

    The customers are read before they are held, so a row that another writer moved into `items`
    meanwhile (a request taken in, an authorisation resumed: that writer held only its own customer)
    has its customer locked next, then the row, until no row of `items` is left without its customer.
    That late customer comes after the others, out of id order, so it is not waited for: a writer of
    several customers (a suspension) may hold it and wait for one of ours. When another writer holds
    it, every lock taken here (not the caller's own) is let go, a savepoint rolled back, and the set is
    locked afresh, the late customer now in id order among the others; after `LATE_CUSTOMER_ROUNDS`
    rounds, Conflict (409), and the caller's transaction rolls back whole. Where such a writer can add
    rows, a caller may name in `customers_of` a wider set that none can join (a suspension: every live
    authorisation of the third party whose row it holds)."""
    customers = items if customers_of is None else customers_of
    for _round in range(LATE_CUSTOMER_ROUNDS):
        try:
            with transaction.atomic():
                return _locked_in_one_round(items, customers)
        except _LateCustomerHeld:
            continue
    raise Conflict(
        _("Other work on these customers is under way; try again in a moment."), code="customers_busy"
    )


class _LateCustomerHeld(Exception):
    """Another writer holds a customer that joined the set late: this round's locks are let go."""


def _locked_in_one_round(items: QuerySet, customers: QuerySet) -> list:
    """`locked_after_customers`' locks, a customer found late taken only if no one holds it (else
    `_LateCustomerHeld`). Any other failure, a `lock_timeout` ending an ordinary wait among them, is
    the caller's as it came. The held ids go back to the database as one array (`any_of`), not one
    parameter each."""
    held = subjects_lock(customers.values("subject_id"))
    locked = items.select_for_update(of=("self",)).order_by("pk")
    rows = list(locked.filter(any_of("subject_id", held)))
    while joined := _late_customers_locked(items.exclude(any_of("subject_id", held))):
        held += joined
        rows += locked.filter(any_of("subject_id", joined))
    return rows


def _late_customers_locked(items: QuerySet) -> list:
    try:
        return subjects_lock(items.values("subject_id"), nowait=True)
    except DatabaseError as error:
        if lock_wait_timed_out(error):
            raise _LateCustomerHeld from error
        raise


def subject_locked(subject_id: Any) -> DataSubject:
    """The customer's row, locked for the caller's transaction; NotFound (404) when there is none."""
    subject = subjects_locked(pk=subject_id).first()
    if subject is None:
        raise NotFound(_("No such customer."))
    return subject
