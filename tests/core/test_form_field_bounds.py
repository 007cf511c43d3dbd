"""Every number and date a page's form takes is bounded: an unbounded integer overflowed its column on
PostgreSQL, a year-1 date overflowed the conversion to UTC, and either left pages a 500 for everyone."""

from __future__ import annotations

from django import forms
from django.urls import get_resolver

from core.forms import DayFormField, MomentFormField
from tests.test_architecture import APPS


def _project_forms(form_class=forms.BaseForm):
    for subclass in form_class.__subclasses__():
        if subclass.__module__.split(".")[0] in APPS:
            yield subclass
        yield from _project_forms(subclass)


def _fields():
    get_resolver().url_patterns  # loads every page, and with them every form  # noqa: B018
    for form_class in set(_project_forms()):
        for name, field in form_class.base_fields.items():
            yield f"{form_class.__module__}.{form_class.__qualname__}.{name}", field


def test_the_project_has_forms_to_check():
    assert sum(1 for _ in _fields()) > 100


def test_every_integer_field_has_a_largest_value():
    unbounded = [name for name, field in _fields()
                 if isinstance(field, forms.IntegerField) and field.max_value is None]
    assert unbounded == []


def test_every_date_field_is_held_to_the_dates_a_moment_can_be():
    unbounded = [name for name, field in _fields()
                 if isinstance(field, forms.DateField | forms.DateTimeField)
                 and not isinstance(field, DayFormField | MomentFormField)]
    assert unbounded == []
