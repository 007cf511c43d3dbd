"""Pages calling a service: a domain error shown on the form a person filled in, or as a message; the
success said, and marked on the request (`form_succeeded`)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.moments import day_in_range, out_of_range_message
from core.text import vietnamese_sort_key

# The success message, or a function of what the service returned that writes it.
SuccessMessage = str | Callable[[Any], str]
# The request's attribute that marks a service call as succeeded (`form_succeeded`).
_SUCCEEDED = "form_service_succeeded"


def form_error(form: forms.Form, error: DomainError, *, field: str | None = None) -> None:
    """Put the error's message on its field when the form has that field, else above the form.

    `field` names the form's field when it differs from the service's (a form asking for a CIF where
    the service speaks of a subject)."""
    name = field or error.field
    form.add_error(name if name in form.fields else None, error.text)


def form_errors_as_messages(http_request, form: forms.Form) -> None:
    """The errors of a form the page does not show again (a small form posted from a list), as messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(http_request, error)


def call_with_messages(
    http_request, call: Callable[[], Any], success: SuccessMessage, *, shown_at: str = ""
) -> bool:
    """Call a service; a domain error becomes a message for the person instead of a 500. `shown_at`
    names the element of the next page the message belongs to (`messages_at`), when the page opens
    there rather than at its top."""
    try:
        result = call()
    except DomainError as error:
        messages.error(http_request, error.text, extra_tags=shown_at)
        return False
    _succeeded(http_request, success, result, shown_at=shown_at)
    return True


def form_submit_with_messages(
    http_request, form: forms.Form, call: Callable[[], Any], success: SuccessMessage
) -> bool:
    """Call the service when the form is valid, for a page that does not show the form again: every
    error, the form's or the service's, is a message."""
    if not form.is_valid():
        form_errors_as_messages(http_request, form)
        return False
    return call_with_messages(http_request, call, success)


def form_submit(http_request, form: forms.Form, call: Callable[[], Any], success: SuccessMessage) -> bool:
    """Call the service when the form is valid; True when it succeeded (the success message is shown),
    False when the form or the service refused: the page shows the form again, the error on it."""
    if not form.is_valid():
        return False
    try:
        result = call()
    except DomainError as error:
        form_error(form, error)
        return False
    _succeeded(http_request, success, result)
    return True


def _succeeded(http_request, success: SuccessMessage, result: Any, *, shown_at: str = "") -> None:
    form_succeeded(http_request, success(result) if callable(success) else success, shown_at=shown_at)


def form_succeeded(http_request, message: str, *, shown_at: str = "") -> None:
    """Tell the person the service call their form asked for succeeded, and mark the request as one
    that recorded something: a form posted once (`integrations.form_once`) keeps only such a post as
    done, so a refused one may be corrected and sent again."""
    setattr(http_request, _SUCCEEDED, True)
    messages.success(http_request, message, extra_tags=shown_at)


def form_has_succeeded(http_request) -> bool:
    """Did this request's service call succeed (`form_succeeded`)?"""
    return getattr(http_request, _SUCCEEDED, False)


def _held_in_range(value):
    """A form field's date or date-time, refused outside the range `core.moments` gives the API and
    files: a year-1 date overflowed when a query or a service turned it into UTC."""
    if value is not None and not day_in_range(value):
        raise forms.ValidationError(out_of_range_message(), code="date_range")
    return value


class MomentFormField(forms.DateTimeField):
    """A page's date-time, within the dates `core.moments` accepts (1900 to 2999)."""

    def to_python(self, value):
        return _held_in_range(super().to_python(value))


class DayFormField(forms.DateField):
    """A page's date, within the dates `core.moments` accepts (1900 to 2999)."""

    def to_python(self, value):
        return _held_in_range(super().to_python(value))


class LanguageSelect(forms.Select):
    """A choice of languages, each named in its own language ("Tiếng Việt", "English"): each option
    carries its language code as `lang`, so a screen reader reads the name in that language's voice on
    a page in the other one (WCAG 3.1.2, language of parts), as the site's language switch does."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


def phone_input() -> forms.TextInput:
    """A phone number's field: a phone shows its number pad and offers to fill it in. The widget only:
    the value is checked as before."""
    return forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})


def email_input() -> forms.EmailInput:
    """An e-mail address's field: the keyboard with @, and autofill. Its forms stay `novalidate`: a wrong
    address gets the server's message in the page's language, not the browser's bubble."""
    return forms.EmailInput(attrs={"autocomplete": "email"})


# What a list offering "no choice" shows, the same on every page (Django's own is "---------").
NO_CHOICE = "—"


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of one row, its empty choice shown as every other list shows it (`NO_CHOICE`)."""

    def __init__(self, *args, empty_label=NO_CHOICE, **kwargs):
        super().__init__(*args, empty_label=empty_label, **kwargs)


class InVietnameseOrder(ModelChoiceIterator):
    """A model choice field's choices by their labels in Vietnamese alphabetical order, the empty choice
    first (`vietnamese_sort_key`: the database orders by code point, "Đông Á" after "Zeta"). For the
    small catalogues staff pick from, through the two fields below, which keep their querysets."""

    def __iter__(self):
        choices = iter(super().__iter__())
        if self.field.empty_label is not None:
            yield next(choices)
        yield from sorted(choices, key=lambda choice: vietnamese_sort_key(str(choice[1])))


class ModelChoiceInVietnameseOrder(ModelChoiceField):
    iterator = InVietnameseOrder


class ModelMultipleChoiceInVietnameseOrder(forms.ModelMultipleChoiceField):
    iterator = InVietnameseOrder


# A day asked about without a time: the state it ended with.
END_OF_DAY = time(23, 59, 59)


class MomentAskedForm(forms.Form):
    """A past moment a page asks about ("as it stood then"), in the bank's time zone (Vietnam time); a day
    without a time is read at its last second, the state the day ended with."""

    date = DayFormField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Vietnam time (UTC+7). Left empty: the end of that day."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        moment = datetime.combine(
            cleaned["date"], cleaned.get("time") or END_OF_DAY, tzinfo=timezone.get_default_timezone()
        )
        if moment > timezone.now():
            raise forms.ValidationError(
                _("Choose a moment that has passed: the page shows what was recorded.")
            )
        cleaned["moment"] = moment
        return cleaned
