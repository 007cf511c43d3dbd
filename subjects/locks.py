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

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.db import first_of
from core.errors import NotFound
from subjects.models import DataSubject


def subjects_locked(*, skip_locked: bool = False, **filters: Any) -> QuerySet[DataSubject]:
    """The customers matching `filters`, in id order (so two writers of many never cross), locked
    for the caller's transaction as they are read; with `skip_locked`, those another transaction holds
    are left out (a sweep's next run takes them) rather than waited for."""
    return (
        DataSubject.objects.select_for_update(no_key=True, skip_locked=skip_locked)
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
    mine = Q(**{f"{customer}__in": held}) | Q(**{f"{customer}__isnull": True})
    return [rows.filter(mine) for rows in items]


def subjects_lock(ids: Iterable[Any]) -> list[Any]:
    """Lock these customers' rows for the caller's transaction, without loading them; returns the ids
    locked. A queryset (`values("subject_id")`) goes in the statement as a subquery: a third party's
    tens of thousands of customers are not read out and sent back as one list."""
    ids = ids if isinstance(ids, QuerySet) else list(ids)
    return list(subjects_locked(pk__in=ids).values_list("pk", flat=True))


def locked_after_customers(items: QuerySet, *, customers_of: QuerySet | None = None) -> list:
    """`items` (rows naming their customer in `subject_id`) locked for the caller's transaction, in id
    order, each only once its customer is held: the customers of `customers_of` (by default `items`)
    first, in one statement in id order, then the items of those customers.

    The customers are read before they are held, so a row that another writer moved into `items`
    meanwhile (a request taken in, an authorisation resumed: that writer held only its own customer)
    has its customer locked next, then the row, until no row of `items` is left without its customer.
    That late customer is locked after the others, out of id order: where such a writer can add rows,
    a caller names in `customers_of` a wider set that none can join (a suspension: every live
    authorisation of the third party whose row it holds)."""
    held = subjects_lock((items if customers_of is None else customers_of).values("subject_id"))
    locked = items.select_for_update(of=("self",)).order_by("pk")
    rows = list(locked.filter(subject_id__in=held))
    while joined := subjects_lock(items.exclude(subject_id__in=held).values("subject_id")):
        held += joined
        rows += locked.filter(subject_id__in=joined)
    return rows


def subject_locked(subject_id: Any) -> DataSubject:
    """The customer's row, locked for the caller's transaction; NotFound (404) when there is none."""
    subject = subjects_locked(pk=subject_id).first()
    if subject is None:
        raise NotFound(_("No such customer."))
    return subject
