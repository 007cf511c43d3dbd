"""Django's own form-validation messages, listed so that the project's catalogue keeps them.

Django's Vietnamese catalogue leaves some of these blank (null characters, slugs, UUIDs, a complete
value) and words others poorly ("Nhập một số tổng thể." for a whole number), so a Vietnamese page showed
an English or a garbled error between Vietnamese labels. The project's catalogue (LOCALE_PATHS, read
before Django's) gives them in Vietnamese; `makemessages --no-obsolete` keeps only msgids found in the
project's source, hence this list. Nothing imports it for its values: Django translates its own lazy
messages, which these msgids match word for word (a test checks them against Django's catalogue).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    gettext_noop("Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid duration."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a list of values."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it "
        "may not exist."
    ),
)

# Plural messages: there is no ngettext_noop; these lazy strings are never evaluated.
PLURAL_MESSAGES = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
