"""The language switch keeps the page the person is on. A page shown in answer to a form that was
refused (its address is the form's action, which takes POST only) must switch to the same page in the
other language, not to the action's address, which answers a GET with an empty 405."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.access import subject_for_user
from dsr import services
from tests.dsr.factories import MONDAY, STAFF, awaiting_customer, make_request
from tests.factories import signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def switch(client, page, language: str):
    """Press the language button of the page: post the switch form as the browser would."""
    form = next(f for f in page.find_all("form") if "lang-switch" in (f.get("class") or ""))
    fields = {e.get("name"): e.get("value") for e in form.find_all("input") if e.get("name")}
    fields["language"] = language
    return client.post(form.get("action"), fields, follow=True)


def test_customer_switching_language_after_a_refused_answer_stays_on_the_request(customer_a):
    request = awaiting_customer(subject_for_user(customer_a))
    client = signed_in(customer_a)
    refused = client.post(f"/me/requests/{request.pk}/reply/", {"text": "   "})
    assert refused.status_code == 400

    answer = switch(client, parse(refused.content), "en")

    assert answer.status_code == 200, (
        f"the switch led to {answer.request['PATH_INFO']} ({answer.status_code})"
    )
    page = parse(answer.content)
    assert page.find("html").get("lang") == "en"
    assert request.reference in answer.content.decode()


def test_staff_switching_language_after_a_refused_identity_check_stays_on_the_request(
    privacy_officer, subject
):
    request = make_request(subject)
    services.request_acknowledge(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=1))
    client = signed_in(privacy_officer)
    refused = client.post(f"/portal/requests/{request.pk}/do/verify/",
                          {"method": "branch_documents", "document_type": "", "document_number": "000"})
    assert refused.status_code in (200, 400)

    answer = switch(client, parse(refused.content), "en")

    assert answer.status_code == 200, (
        f"the switch led to {answer.request['PATH_INFO']} ({answer.status_code})"
    )
    assert parse(answer.content).find("html").get("lang") == "en"
    assert answer.request["PATH_INFO"] == f"/en/portal/requests/{request.pk}/"
