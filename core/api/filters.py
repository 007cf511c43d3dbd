"""FilterSets for the list endpoints: one place that reads a list's query parameters.

`ListFilterSet.apply` answers a bad value with `InvalidInput` naming the parameter, so a list
refuses it with the API's ordinary 400 (the contract's error shape), not DRF's form errors.
`query_flag` reads a yes/no parameter the same way everywhere; `FlagFilter` reads it so in a
FilterSet, refusing any other word. The lists narrowed by customer number (CIF) and status share
`subjects.filters.SubjectStatusFilterSet`, beside the look-up of a typed CIF.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput

FLAG_YES = frozenset({"1", "true", "yes"})
FLAG_NO = frozenset({"0", "false", "no"})
# What a list answers for a bad yes/no parameter (a FilterSet's `messages` entry for a `FlagFilter`).
FLAG_MESSAGE = _("Give true or false.")


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
