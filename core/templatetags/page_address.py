"""`{% page_address %}`: the address of the page the person is reading, where the language switch
takes them back.

A page answering a GET is at its own address. A page answering a POST (a form refused and shown
again) is often at the form's action, which takes POST only: a GET there is an empty 405. Its view
may name the page (`page_url` in the context, as the request pages do); otherwise the page the form
was sent from (the Referer, on this site only). Failing both, nothing: the switch goes to the home page.
"""

from __future__ import annotations

from django import template

from core.sent_from import same_site_referer

register = template.Library()


@register.simple_tag(takes_context=True)
def page_address(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    if context.get("page_url"):
        return context["page_url"]
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return same_site_referer(request)
