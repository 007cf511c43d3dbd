"""One reference per request (`dsr.models.request_reference`): the receipt, the customer's e-mails,
the customer's pages, the staff pages and the reminders all quote the same one, and staff find the
request from it in the queue, typed any way a customer reads it out."""

import json
import uuid
from datetime import datetime

import pytest

from dsr import clock_sources
from dsr.models import request_reference
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, VN, make_request

pytestmark = pytest.mark.django_db


def test_the_reference_is_the_receipt_day_in_hanoi_and_the_first_hex_digits():
    pk = uuid.UUID("cde6393c0a5b4a43a8b7c2d1e0f9a8b7")
    # 23:30 UTC on 1 December is already 2 December in Hà Nội, whatever the reader's time zone.
    assert request_reference(pk, datetime(2026, 12, 1, 23, 30, tzinfo=VN)) == "YC-261201-CDE639"
    assert request_reference(pk, datetime.fromisoformat("2026-12-01T23:30:00+00:00")) == "YC-261202-CDE639"


def test_the_customer_e_mail_quotes_the_reference_of_the_receipt(subject):
    request = make_request(subject)
    mail = OutboxMessage.objects.filter(topic="dsr.customer.received").get()
    context = json.loads(mail.payload)["context"]
    assert context["reference"] == request.reference
    # The old second spelling, the id's first eight hex digits, is gone (the link holds the whole id).
    words = {name: value for name, value in context.items() if name != "link"}
    assert request.pk.hex[:8].upper() not in json.dumps(words)


def test_the_customer_pages_show_the_reference(logged_in, customer_a):
    request = make_request(customer_a.customer_account.subject, channel="internet_banking")
    client = logged_in(customer_a)
    for url in ("/me/requests/", f"/me/requests/{request.pk}/", "/en/me/requests/"):
        assert request.reference in client.get(url).content.decode(), url


def test_the_reminder_label_quotes_the_reference(subject):
    request = make_request(subject)
    row = clock_sources.requests_on_clock("due").values("clock_item_id", "type", "received_at").get()
    assert request.reference in clock_sources.label(row)


@pytest.mark.parametrize(
    "typed",
    [
        lambda r: r.reference,
        lambda r: r.reference.lower(),
        lambda r: r.reference.removeprefix("YC-"),
        lambda r: " " + r.reference.removeprefix("YC-").lower().replace("-", "") + " ",
        lambda r: r.pk.hex[:8].upper(),  # the e-mails of earlier releases
    ],
)
def test_staff_find_the_request_by_its_reference(logged_in, officer, subject, typed):
    request = make_request(subject)
    make_request(subject, now=MONDAY.replace(day=10))
    answer = logged_in(officer).get("/portal/requests/", {"reference": typed(request)})
    assert answer.status_code == 302 and answer["Location"] == f"/portal/requests/{request.pk}/"


def test_a_reference_that_names_no_request_says_so(logged_in, officer, subject):
    request = make_request(subject)
    client = logged_in(officer)
    queue = client.get("/portal/requests/").content.decode()
    assert 'data-testid="reference-search"' in queue and request.reference in queue
    wrong_day = "YC-260310-" + request.pk.hex[:6].upper()
    for typed in (wrong_day, "not a reference", "YC-261399-ABCDEF"):
        page = client.get("/en/portal/requests/", {"reference": typed})
        assert page.status_code == 200 and 'data-testid="reference-not-found"' in page.content.decode()


def test_the_api_gives_the_reference(as_user, officer, subject):
    request = make_request(subject)
    assert as_user(officer).get(f"/api/v1/requests/{request.pk}/").json()["reference"] == request.reference
