"""FilterSets for the list endpoints: one place that reads a list's query parameters.

`ListFilterSet.apply` answers a bad value with `InvalidInput` naming the parameter, so a list
refuses it with the API's ordinary 400 (the contract's error shape), not DRF's form errors.
A parameter a list does not know is refused too (`query_parameters_check`, called by the paginator for
every list, with the filters the view names in `list_filters`): a typo (`?typ=delete`) or a filter
this version lacks (`?cif=`) would otherwise answer the whole list as if it were the filtered one.
Request bodies are not strict in the same way: an outside system may send fields this version ignores.
`query_flag` reads a yes/no parameter the same way everywhere; `FlagFilter` reads it so in a
FilterSet, refusing any other word. The lists narrowed by customer number (CIF) and status share
`subjects.filters.SubjectStatusFilterSet`, beside the look-up of a typed CIF.
"""

from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput

FLAG_YES = frozenset({"1", "true", "yes"})
FLAG_NO = frozenset({"0", "false", "no"})
# What a list answers for a bad yes/no parameter (a FilterSet's `messages` entry for a `FlagFilter`).
FLAG_MESSAGE = _("Give true or false.")
# DRF's choice of renderer (`?format=csv`), known to every endpoint.
FORMAT_PARAMETER = "format"
UNKNOWN_LIST_PARAMETER = _("Unknown parameter; this list filters by: %(filters)s.")
UNKNOWN_PARAMETER_NO_FILTERS = _("Unknown parameter; this list has no filters.")
UNKNOWN_REPORT_PARAMETER = _("Unknown parameter; this report takes: %(filters)s.")


def query_parameters_check(
    params, *, filters: Iterable[str], also: Iterable[str] = (), message=UNKNOWN_LIST_PARAMETER
) -> None:
    """Refuse (400 on the parameter) the first query parameter that is none of `filters` (named in the
    message), `also` (a list's paging) or DRF's `format`."""
    filters = list(filters)
    known = {*filters, *also, FORMAT_PARAMETER}
    unknown = next((name for name in params if name not in known), None)
    if unknown is None:
        return
    if not filters:
        raise InvalidInput(UNKNOWN_PARAMETER_NO_FILTERS, field=unknown)
    raise InvalidInput(message, field=unknown, filters=", ".join(filters))


def report_parameters_check(params, parameters: Iterable) -> None:
    """Refuse (400 on the parameter) a report's query parameter that is none of its documented
    `parameters` (the OpenAPI parameters it declares), naming those it takes."""
    query_parameters_check(
        params, filters=[parameter.name for parameter in parameters], message=UNKNOWN_REPORT_PARAMETER
    )


def list_filter_names(view) -> list[str]:
    """The filters a list view names in `list_filters`: its FilterSet, or the parameters its schema
    documents (`OpenApiParameter`s); none when it names none."""
    filters = getattr(view, "list_filters", ())
    if isinstance(filters, type) and issubclass(filters, django_filters.FilterSet):
        return list(filters.base_filters)
    return [getattr(parameter, "name", parameter) for parameter in filters]


def query_flag(params, name: str) -> bool:
    """A yes/no query parameter (`?wait=true`): "1", "true" or "yes" in any case; anything else is no."""
    return params.get(name, "").lower() in FLAG_YES


class FlagField(forms.Field):
    """A yes/no parameter with `query_flag`'s words for yes, their opposites for no; absent is None."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        word = str(value).lower()
        if word in FLAG_YES or word in FLAG_NO:
            return word in FLAG_YES
        raise forms.ValidationError(FLAG_MESSAGE, code="invalid")


class FlagFilter(django_filters.Filter):
    """A yes/no parameter of a FilterSet: a word other than yes or no is a bad value, not a no."""

    field_class = FlagField


class ListFilterSet(django_filters.FilterSet):
    # The message for a bad value of each parameter; the first parameter in error is answered.
    messages: dict[str, str] = {}

    @classmethod
    def apply(cls, params, queryset: QuerySet, **options) -> QuerySet:
        """The queryset narrowed by `params`; `options` go to the FilterSet (for example `now=`)."""
        filterset = cls(params, queryset=queryset, **options)
        if not filterset.is_valid():
            field = next(name for name in filterset.filters if name in filterset.errors)
            raise InvalidInput(cls.messages.get(field, _("Invalid value.")), field=field)
        return filterset.qs
