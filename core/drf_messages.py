"""DRF's own validation messages (its fields', serializers' and validators' defaults), listed so that
the project's catalogue keeps them, as `core.django_messages` does for Django's.

DRF's Vietnamese catalogue leaves most of them blank ("Not a valid string.", '"zzz" is not a valid
choice.') and words one with a stray leading space, so the Vietnamese-default API answered in English
between Vietnamese messages. The project's catalogue (LOCALE_PATHS, read before DRF's) gives them in
Vietnamese; `makemessages --no-obsolete` keeps only msgids found in the project's source, hence this
list. Nothing imports it for its values: DRF translates its own lazy messages, which these msgids match
word for word (a test walks DRF's classes and checks each has its Vietnamese).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop('A valid integer is required.'),
    gettext_noop('A valid biginteger is required.'),
    gettext_noop('A valid number is required.'),
    gettext_noop('String value too large.'),
    gettext_noop('Integer value too large to convert to float'),
    gettext_noop('Ensure this value is less than or equal to {max_value}.'),
    gettext_noop('Ensure this value is greater than or equal to {min_value}.'),
    gettext_noop('Ensure that there are no more than {max_digits} digits in total.'),
    gettext_noop('Ensure that there are no more than {max_decimal_places} decimal places.'),
    gettext_noop('Ensure that there are no more than {max_whole_digits} digits before the decimal point.'),
    gettext_noop('This field may not be null.'),
    gettext_noop('This list may not be empty.'),
    gettext_noop('Must be a valid boolean.'),
    gettext_noop('Not a valid string.'),
    gettext_noop('Surrogate characters are not allowed: U+{code_point:X}.'),
    gettext_noop('Ensure this field has no more than {max_length} characters.'),
    gettext_noop('Ensure this field has at least {min_length} characters.'),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('"{input}" is not a valid path choice.'),
    gettext_noop('This selection may not be empty.'),
    gettext_noop('Expected a date but got a datetime.'),
    gettext_noop('Expected a datetime but got a date.'),
    gettext_noop('Datetime has wrong format. Use one of these formats instead: {format}.'),
    gettext_noop('Time has wrong format. Use one of these formats instead: {format}.'),
    gettext_noop('Duration has wrong format. Use one of these formats instead: {format}.'),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop('Datetime value out of range.'),
    gettext_noop('The number of days must be between {min_days} and {max_days}.'),
    gettext_noop('Expected a dictionary of items but got type "{input_type}".'),
    gettext_noop('This dictionary may not be empty.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop('Ensure this field has at least {min_length} elements.'),
    gettext_noop('Ensure this field has no more than {max_length} elements.'),
    gettext_noop('The submitted data was not a file. Check the encoding type on the form.'),
    gettext_noop('No filename could be determined.'),
    gettext_noop('Ensure this filename has at most {max_length} characters (it has {length}).'),
    gettext_noop('This value does not match the required pattern.'),
    gettext_noop('Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'),
    gettext_noop('Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'),
    gettext_noop('Must be a valid UUID.'),
    gettext_noop('Invalid hyperlink - No URL match.'),
    gettext_noop('Invalid hyperlink - Incorrect URL match.'),
    gettext_noop('Invalid hyperlink - Object does not exist.'),
    gettext_noop('Incorrect type. Expected URL string, received {data_type}.'),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop('Incorrect type. Expected pk value, received {data_type}.'),
    gettext_noop('Object with {slug_name}={value} does not exist.'),
    gettext_noop('Invalid data. Expected a dictionary, but got {datatype}.'),
    gettext_noop('This field must be unique.'),
    gettext_noop('This field must be unique for the "{date_field}" date.'),
    gettext_noop('This field must be unique for the "{date_field}" month.'),
    gettext_noop('This field must be unique for the "{date_field}" year.'),
    gettext_noop('The fields {field_names} must make a unique set.'),
)
