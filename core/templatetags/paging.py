"""`page|numbered:request.GET`: a page of Django's `Paginator` as `partials/pager.html` shows every
list's pages (`core.paging.numbered_page`)."""

from __future__ import annotations

from django import template

from core.paging import numbered_page

register = template.Library()
register.filter("numbered", numbered_page)
