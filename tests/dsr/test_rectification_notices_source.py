"""The notices a rectification request sent to recipients are that request's by their recorded source
(`dsr.request:<id>`, as the duties of a withdrawal it put in force), not by the moment they were sent:
another correction of the same customer at the same instant (another request closed in the same
transaction, staff with a frozen clock) is not this request's, and a notice whose time differs from the
request's close by a microsecond still is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from consents.models import WithdrawalDuty
from core.actors import actor_for_user
from dsr import services
from dsr.models import FulfilmentTask
from dsr.selectors import request_rectification_notices
from dsr.services.profile import address_update
from dsr.sources import request_source
from subjects.services import subject_rectify
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db

CLOSED_AT = MONDAY + timedelta(hours=5)


def _answer_at(request, now):
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={}, now=now - timedelta(minutes=1))
    return services.request_complete(actor=STAFF, request_id=request.pk, now=now)


@pytest.fixture
def insurer(client_user, subject):
    """A recipient the customer's contact details were shared with."""
    recipient = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    grant(subject, make_purpose("bancassurance", recipients=[recipient]))
    make_inventory()
    return recipient


def _fields(notices):
    return sorted(field for notice in notices for field in notice.fields)


def test_two_requests_closed_at_the_same_instant_each_show_only_their_own_notices(insurer, subject):
    phone = verified_request(subject, type="rectify", corrections={"phone": "0912345678"})
    email = verified_request(subject, type="rectify", corrections={"email": "moi@example.vn"})
    phone, email = _answer_at(phone, CLOSED_AT), _answer_at(email, CLOSED_AT)
    assert phone.closed_at == email.closed_at

    assert _fields(request_rectification_notices(phone, now=CLOSED_AT)) == ["phone"]
    assert _fields(request_rectification_notices(email, now=CLOSED_AT)) == ["email"]


def test_a_staff_correction_at_the_instant_a_request_closed_is_not_the_requests(insurer, subject):
    request = _answer_at(
        verified_request(subject, type="rectify", corrections={"phone": "0912345678"}), CLOSED_AT
    )
    subject_rectify(
        actor=STAFF, subject_id=subject.pk, changes={"email": "moi@example.vn"}, reason="typo", now=CLOSED_AT
    )

    assert _fields(request_rectification_notices(request, now=CLOSED_AT)) == ["phone"]
    # The staff correction made outside any request records no source.
    staffs = WithdrawalDuty.objects.get(kind=WithdrawalDuty.Kind.RECTIFICATION, fields=["email"])
    assert staffs.source == ""


def test_a_requests_notices_are_its_own_whatever_their_time(insurer, subject):
    request = _answer_at(
        verified_request(subject, type="rectify", corrections={"phone": "0912345678"}), CLOSED_AT
    )
    (notice,) = request_rectification_notices(request, now=CLOSED_AT)
    assert notice.source == request_source(request)
    WithdrawalDuty.objects.filter(pk=notice.pk).update(received_at=CLOSED_AT + timedelta(microseconds=1))

    assert [n.pk for n in request_rectification_notices(request, now=CLOSED_AT)] == [notice.pk]


def test_a_self_service_correction_records_its_request(client_user, customer_a):
    subject = customer_a.customer_account.subject
    mailer = make_recipient("Mailing House", client=client_user, url="https://mailer.example/hook")
    grant(subject, make_purpose("statements", recipients=[mailer], data_categories=["contact"]))
    make_inventory()

    request = address_update(
        actor=actor_for_user(customer_a), subject=subject, address="12 Lý Thái Tổ, Hà Nội", now=CLOSED_AT
    )

    (notice,) = WithdrawalDuty.objects.filter(subject=subject, kind=WithdrawalDuty.Kind.RECTIFICATION)
    assert notice.source == request_source(request)
    entry = AuditEntry.objects.get(action="consents.duty.rectification_opened", subject_id=subject.pk)
    assert entry.data["source"] == request_source(request)
    assert [n.pk for n in request_rectification_notices(request, now=CLOSED_AT)] == [notice.pk]


def test_the_request_page_shows_only_its_own_notices(logged_in, privacy_officer, client_user, subject):
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    bureau = make_recipient("Credit Bureau")
    grant(subject, make_purpose("policy-letters", recipients=[insurer], data_categories=["contact"]))
    credit_check = make_purpose("credit-check", recipients=[bureau], data_categories=["identity"])
    grant(subject, credit_check, sensitive_acknowledged=True)  # identity is sensitive (Decree 13 Art. 2.4)
    make_inventory()
    phone = verified_request(subject, type="rectify", corrections={"phone": "0912345678"})
    name = verified_request(subject, type="rectify", corrections={"full_name": "Trần Thị Mới"})
    phone, name = _answer_at(phone, CLOSED_AT), _answer_at(name, CLOSED_AT)

    browser = logged_in(privacy_officer)
    for request, told, not_told in ((phone, "Partner Insurance", "Credit Bureau"),
                                    (name, "Credit Bureau", "Partner Insurance")):
        page = browser.get(reverse("dsr:detail", args=[request.pk])).content.decode()
        table = page[page.index('data-testid="rectification-notices"'):]
        table = table[: table.index("</table>")]
        assert len(table.split('data-testid="rectification-notice"')[1:]) == 1
        assert told in table and not_told not in table


def test_the_api_lists_a_requests_notices_as_before(as_user, client_user, insurer, subject):
    request = _answer_at(
        verified_request(subject, type="rectify", corrections={"phone": "0912345678"}), CLOSED_AT
    )
    api = as_user(client_user, scopes=["consents:read"])

    (notice,) = api.get("/api/v1/withdrawal-duties/", {"kind": "rectification"}).json()["results"]

    assert (notice["kind"], notice["fields"]) == ("rectification", ["phone"])
    assert [str(n.pk) for n in request_rectification_notices(request)] == [notice["id"]]
