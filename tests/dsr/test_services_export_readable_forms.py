"""The readable forms of the export (HTML, the JSON's labels) agree with each other and label every code:
a system's value is shown as it is unless it is a time in the form the platform writes, and third-party
access says, like the rest, what its codes mean (from the read-only review of the access answer)."""

import json
import re

import pytest
from django.utils import translation

from authorisations.scopes import DATA_SCOPES
from authorisations.states import AuthorisationStatus
from dsr import services
from dsr.models import FulfilmentTask
from tests.authorisations.factories import authorise
from tests.dsr.factories import STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db


def _answered_with_authorisation(customer, *, scopes=("accounts:read",)):
    subject = customer.customer_account.subject
    authorise(customer, scopes=scopes)
    make_inventory()
    request = verified_request(subject, type="access")
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    services.request_complete(actor=STAFF, request_id=request.pk)
    return request


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_html_export_does_not_turn_an_account_number_into_a_date(subject):
    make_inventory()
    request = verified_request(subject, type="copy")
    core_banking = {
        "account_number": "10120215",
        "card_expiry": "20290131",
        "opened_on": "2024-05-01",
        "opened_at": "2024-05-01T03:04:05+00:00",
    }
    for task in FulfilmentTask.objects.filter(request=request):
        result = core_banking if task.system.code == "core_banking" else {}
        services.task_complete(actor=STAFF, task_id=task.pk, result=result)
    services.request_complete(actor=STAFF, request_id=request.pk)
    html = services.export_download(actor=STAFF, request=request, format="html", language="vi").body.decode()
    text = _text(html)
    # The system returned the account number 10120215; the customer's copy must show it as such.
    assert "Account number 10120215 " in text, html[html.find("export-system"):][:400]
    assert "Card expiry 20290131 " in text
    assert "15/02/1012" not in text and "31/01/2029" not in text
    # Times and dates in the platform's own ISO forms still read as Hà Nội times and dates.
    assert "Opened on 01/05/2024 " in text
    assert "Opened at 01/05/2024 10:04 " in text


def test_third_party_access_in_the_json_export_is_labelled_like_the_rest(customer_a):
    request = _answered_with_authorisation(customer_a, scopes=("accounts:read", "transactions:read"))
    body = json.loads(
        services.export_download(actor=STAFF, request=request, format="json", language="vi").body
    )
    access = body["third_party_access"][0]
    # Consent events and requests carry `*_label` beside their codes; so do the authorisation's status and
    # scopes (what the third party may read).
    assert "status_label" in access, sorted(access)
    with translation.override("vi"):
        active = str(AuthorisationStatus.ACTIVE.label)
        expected = [str(DATA_SCOPES["accounts:read"]), str(DATA_SCOPES["transactions:read"])]
    assert (access["status"], access["status_label"]) == ("active", active)
    assert active != "Active", "no Vietnamese label"
    assert access["scopes"] == ["accounts:read", "transactions:read"]
    assert access["scope_labels"] == expected


def test_html_export_says_what_each_third_party_may_read(customer_a):
    request = _answered_with_authorisation(customer_a)
    html = services.export_download(actor=STAFF, request=request, format="html", language="vi").body.decode()
    # The readable page says WHAT the third party may read, and whether the access is still live.
    with translation.override("vi"):
        label = str(DATA_SCOPES["accounts:read"])
        active = str(AuthorisationStatus.ACTIVE.label)
    assert label in html, "scopes missing from the HTML copy"
    section = html[html.find('data-testid="export-third-parties"'):]
    assert section, "no third-party section"
    assert active in _text(section.split("</table>")[0])
    assert "accounts:read" not in html and ">active<" not in html
