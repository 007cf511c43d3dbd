"""The language switch comes back to the page the person reads (`{% page_address %}`): a page's own
address when it answered a GET; the address its view names (`page_url`) when it answers a POST at a
form's action; else the page the form was sent from, on this site only; else nothing (the switch
then goes to the home page), never the action's address, which a GET answers with 405."""
from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from tests.html_tree import parse


def next_of(request, **context) -> str:
    switch = Template('{% include "partials/lang_switch.html" %}')
    page = parse(switch.render(Context({"request": request, **context})))
    return next(e.get("value") for e in page.find_all("input") if e.get("name") == "next")


def test_a_page_answering_a_get_is_at_its_own_address():
    assert next_of(RequestFactory().get("/me/requests/?page=2")) == "/me/requests/?page=2"


def test_a_view_that_names_its_page_is_taken_at_its_word():
    request = RequestFactory().post("/portal/requests/1/do/verify/", HTTP_REFERER="http://testserver/x/")
    assert next_of(request, page_url="/portal/requests/1/") == "/portal/requests/1/"


def test_a_post_answered_at_the_action_goes_back_to_the_page_the_form_was_sent_from():
    request = RequestFactory().post(
        "/portal/consents/do/", HTTP_REFERER="http://testserver/en/portal/customers/7/?tab=consents"
    )
    assert next_of(request) == "/en/portal/customers/7/?tab=consents"


@pytest.mark.parametrize("referer", ["", "https://evil.example/portal/", "//evil.example/"])
def test_without_a_page_of_this_site_to_go_back_to_the_switch_goes_home(referer):
    request = RequestFactory().post("/portal/consents/do/", HTTP_REFERER=referer)
    assert next_of(request) == ""
