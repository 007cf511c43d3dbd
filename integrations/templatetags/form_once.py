"""`{% form_once %}`: the hidden input of a form posted once (`integrations.form_once`), beside
`{% csrf_token %}` in every form whose view is decorated with `posted_once`."""
from __future__ import annotations

from django import template
from django.utils.html import format_html

from integrations.form_once import FIELD, form_token

register = template.Library()


@register.simple_tag
def form_once() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, form_token())
