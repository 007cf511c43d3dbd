"""The order of an API list, read from its queryset: its keys, each with its direction and where its
nulls go; whether the order is total; and the keyset condition "after this row" cursor paging filters by.

An order is total when its last key is a unique, non-null column of the listed model (its primary key,
or a field such as a purpose's `code`): then no two rows tie, and the database cannot return tied rows
in a different order from one page's query to the next (PostgreSQL does, as its plan changes with
LIMIT and OFFSET), which repeats some rows across pages and never returns others. Every list selector
an API list reads ends with such a key (`tests/core/test_api_list_order.py`); `totally_ordered` adds
the primary key where one does not, so a list added without it still pages correctly.

A key is a field of the model (`due_at`), of a model it points to (`recipient__name`), an annotation
(`binding_due_at`), `pk`, each plain or as `F(...).asc()/.desc()` with their `nulls_first/last`. Other
expressions (a function, a random order) cannot be resumed after a row, and are refused.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Field, OrderBy, Q, QuerySet


class UnsupportedOrder(ValueError):
    """An order key that cannot be resumed after a row: a programming error in a list selector."""


@dataclass(frozen=True)
class OrderKey:
    name: str  # what `filter()` and `order_by()` call it
    descending: bool
    nulls_first: bool  # where the rows whose key is null stand: the expression's choice or the database's
    nullable: bool
    unique: bool  # a unique, non-null column of the listed model itself
    field: Field  # reads a value written in a cursor back (`to_python`)

    @property
    def label(self) -> str:
        return f"-{self.name}" if self.descending else self.name


def order_of(queryset: QuerySet) -> list:
    """The queryset's order as given to `order_by` (the model's `Meta.ordering` when it names none)."""
    query = queryset.query
    if query.order_by:
        return list(query.order_by)
    return list(queryset.model._meta.ordering) if query.default_ordering else []


def order_keys(queryset: QuerySet) -> list[OrderKey]:
    """The keys of the queryset's order; `UnsupportedOrder` for one that cannot be resumed after a row."""
    nulls_largest = connections[queryset.db].features.nulls_order_largest
    keys = []
    for item in order_of(queryset):
        name, descending, placed = _named(item)
        field, nullable, unique = _field(queryset, name)
        nulls_first = placed if placed is not None else descending == nulls_largest
        keys.append(OrderKey(name, descending, nulls_first, nullable, unique, field))
    return keys


def is_total(queryset: QuerySet) -> bool:
    keys = order_keys(queryset)
    return bool(keys) and keys[-1].unique


def totally_ordered(queryset: QuerySet) -> QuerySet:
    """The queryset, its order completed by the primary key (in the direction of the last key) when it
    does not already end with a unique key (also after an expression `order_keys` refuses: the order is
    then total, though no cursor can resume it)."""
    given = order_of(queryset)
    try:
        keys = order_keys(queryset)
    except UnsupportedOrder:
        return queryset.order_by(*given, "pk")
    if keys and keys[-1].unique:
        return queryset
    return queryset.order_by(*given, "-pk" if keys and keys[-1].descending else "pk")


def row_position(row: Any, keys: list[OrderKey]) -> list:
    """The values of `row`'s keys, as a cursor carries them (JSON: text for dates, times, ids)."""
    return [_written(_value_of(row, key.name)) for key in keys]


def read_position(values: Any, keys: list[OrderKey]) -> list:
    """The values a cursor carried, read back for `after`; ValueError when they do not fit the keys."""
    if not isinstance(values, list) or len(values) != len(keys):
        raise ValueError("a cursor's values do not match the list's order")
    try:
        return [
            None if value is None else key.field.to_python(value)
            for key, value in zip(keys, values, strict=True)
        ]
    except (ValidationError, TypeError) as exc:
        raise ValueError("a cursor's value is not of its key's type") from exc


def rows_after(queryset: QuerySet, keys: list[OrderKey], position: list | None) -> QuerySet:
    """The rows of `queryset` after the row at `position` (all of them for None): a cursor's page."""
    return queryset if position is None else queryset.filter(after(keys, position))


def after(keys: list[OrderKey], position: list) -> Q:
    """The rows that come after the row at `position` in the order of `keys` (a total order): equal on
    the first keys and beyond on the next one, for each key in turn."""
    conditions = []
    equal = Q()
    for key, value in zip(keys, position, strict=True):
        beyond = _beyond(key, value)
        if beyond is not None:
            conditions.append(equal & beyond)
        equal &= Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value})
    if not conditions:
        return Q(pk__in=[])
    found = conditions[0]
    for condition in conditions[1:]:
        found |= condition
    return found


def _beyond(key: OrderKey, value: Any) -> Q | None:
    """The rows whose `key` comes after `value`; None when none can."""
    if value is None:
        return Q(**{f"{key.name}__isnull": False}) if key.nulls_first else None
    beyond = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
    if key.nullable and not key.nulls_first:
        beyond |= Q(**{f"{key.name}__isnull": True})
    return beyond


def _named(item: Any) -> tuple[str, bool, bool | None]:
    """An order item's key name, whether it is descending, and whether its nulls come first (None:
    where the database puts them)."""
    if isinstance(item, str):
        if item == "?" or not item.strip("-"):
            raise UnsupportedOrder(f"a random or empty order key: {item!r}")
        return item.lstrip("-"), item.startswith("-"), None
    if isinstance(item, F):
        return item.name, False, None
    if isinstance(item, OrderBy) and isinstance(item.expression, F):
        placed = True if item.nulls_first else False if item.nulls_last else None
        return item.expression.name, item.descending, placed
    raise UnsupportedOrder(f"an order key other than a field or an annotation: {item!r}")


def _field(queryset: QuerySet, name: str) -> tuple[Field, bool, bool]:
    """The field behind a key, whether it may be null, and whether it is a unique non-null column of
    the listed model itself."""
    if name in queryset.query.annotations:
        return queryset.query.annotations[name].output_field, True, False
    model, nullable = queryset.model, False
    parts = name.split("__")
    for depth, part in enumerate(parts):
        try:
            field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist as exc:
            raise UnsupportedOrder(f"no field {part!r} on {model.__name__} in order key {name!r}") from exc
        last = depth == len(parts) - 1
        if field.is_relation and (last or not (field.many_to_one or field.one_to_one) or not field.concrete):
            raise UnsupportedOrder(f"order key {name!r} orders by a relation, not a column")
        nullable = nullable or field.null
        if not last:
            model = field.related_model
    unique = len(parts) == 1 and field.unique and not field.null
    return field, nullable, unique


def _value_of(row: Any, name: str) -> Any:
    value = row
    for part in name.split("__"):
        if value is None:
            return None
        value = value.pk if part == "pk" else getattr(value, part)
    return value


def _written(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value
