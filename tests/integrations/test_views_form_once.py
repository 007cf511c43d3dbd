"""Every page form that records something, staff's and customers', records once when it is posted twice
(a double click, the same form sent again): the second post writes nothing and lands where the first
went, told the form was already recorded (integrations.form_once; the intake and the consent form have
their own tests beside their apps')."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from authorisations.models import AuthorisationEvent
from consents.models import ConsentEvent
from dsr.models import DataSubjectRequest
from integrations.form_once import FIELD
from integrations.models import IdempotencyRecord
from regulator.models import Breach
from subjects.models import DataSubject
from tests.authorisations.factories import authorise
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import awaiting_customer, make_inventory
from tests.factories import make_customer, make_subject, signed_in
from tests.pages import hidden_fields, in_either_language

pytestmark = pytest.mark.django_db
ALREADY = "This form had already been sent. It is recorded once; nothing was recorded again."


@dataclass
class Page:
    user: object
    url: str  # the page showing the form
    answers: dict
    recorded: Callable[[], int]  # how many times the form's record exists
    post_to: str = ""  # where the form posts, when not to its own page


def customer_registration(officer) -> Page:
    ref = "CIFX7700001"
    return Page(officer, "/en/portal/customers/new/",
                {"external_ref": ref, "full_name": "Trần Văn Anh", "preferred_language": "vi"},
                lambda: DataSubject.objects.filter(external_ref=ref).count())


def breach(dpo) -> Page:
    make_inventory()
    now = timezone.localtime()
    answers = {
        "title": "Hộp thư chi nhánh bị lừa đảo", "description": "Sao kê bị chuyển ra ngoài.",
        "occurred_at": (now - timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "detected_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "systems": ["core_banking"], "categories": ["transactions"],
        "subjects_affected": 3, "records_affected": 3,
    }
    return Page(dpo, "/en/portal/breaches/new/", answers,
                lambda: Breach.objects.filter(title=answers["title"]).count())


def staff_revocation(officer) -> Page:
    authorisation = authorise(make_customer())
    return Page(officer, f"/en/portal/authorisations/{authorisation.pk}/revoke/",
                {"channel": "branch", "evidence": "Phiếu TPA-01", "reason": "khách yêu cầu"},
                lambda: revocations(authorisation))


def customers_request(customer) -> Page:
    subject = customer.customer_account.subject
    return Page(customer, "/en/me/requests/new/", {"type": "access", "details": "Tôi muốn xem dữ liệu"},
                lambda: DataSubjectRequest.objects.filter(subject=subject).count())


def customers_consent(customer) -> Page:
    subject = customer.customer_account.subject
    make_purpose("marketing")
    return Page(customer, "/en/me/consents/marketing/confirm/", {}, post_to="/en/me/consents/marketing/",
                recorded=lambda: ConsentEvent.objects.filter(subject_id=subject.pk, kind="granted").count())


def customers_withdrawal(customer) -> Page:
    subject = customer.customer_account.subject
    grant(subject, make_purpose("marketing"))
    return Page(customer, "/en/me/consents/marketing/withdraw/", {"reason": ""},
                lambda: ConsentEvent.objects.filter(subject_id=subject.pk, kind="withdrawn").count())


def customers_reply(customer) -> Page:
    request = awaiting_customer(customer.customer_account.subject)
    return Page(customer, f"/en/me/requests/{request.pk}/", {"text": "Tôi đã gửi ảnh CCCD mặt sau"},
                post_to=f"/en/me/requests/{request.pk}/reply/",
                recorded=lambda: AuditEntry.objects.filter(action="dsr.request.customer_replied").count())


def customers_revocation(customer) -> Page:
    authorisation = authorise(customer)
    return Page(customer, f"/en/me/authorisations/{authorisation.pk}/revoke/", {"reason": ""},
                lambda: revocations(authorisation))


def revocations(authorisation) -> int:
    return AuthorisationEvent.objects.filter(authorisation=authorisation, kind="revoked").count()


STAFF_PAGES = {"customer registration": (customer_registration, "officer"), "breach": (breach, "dpo"),
               "staff revocation": (staff_revocation, "officer")}
CUSTOMER_PAGES = {"request": customers_request, "consent": customers_consent,
                  "withdrawal": customers_withdrawal, "reply": customers_reply,
                  "revocation": customers_revocation}


@pytest.fixture(params=[*STAFF_PAGES, *CUSTOMER_PAGES])
def page(request) -> Page:
    if request.param in STAFF_PAGES:
        build, role = STAFF_PAGES[request.param]
        return build(request.getfixturevalue(role))
    return CUSTOMER_PAGES[request.param](make_customer())


def test_a_form_posted_twice_records_once_and_lands_where_the_first_went(page):
    client = signed_in(page.user)
    form = {**hidden_fields(client.get(page.url).content), **page.answers}
    assert FIELD in form
    first = client.post(page.post_to or page.url, form)
    assert first.status_code == 302 and page.recorded() == 1
    again = client.post(page.post_to or page.url, form)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert page.recorded() == 1
    shown = client.get(again["Location"]).content.decode()
    assert in_either_language(ALREADY, shown)
    assert "flash--error" not in shown


def test_each_showing_of_a_form_carries_a_new_token(officer):
    client = signed_in(officer)
    tokens = {hidden_fields(client.get("/en/portal/requests/new/").content)[FIELD] for _ in range(3)}
    assert len(tokens) == 3


def test_a_post_without_a_valid_token_runs_as_before(officer):
    """A page shown before this release has no token: its post is taken as it always was."""
    subject = make_subject()
    client = signed_in(officer)
    form = {"subject_ref": subject.external_ref, "type": "copy", "channel": "branch", FIELD: "not a token",
            "repeat_confirmed": "on"}
    client.post("/en/portal/requests/new/", form)
    client.post("/en/portal/requests/new/", form)
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_one_persons_token_is_not_anothers(officer, privacy_officer):
    """Tokens are keys of the person signed in, as Idempotency-Keys are: nobody replays another's."""
    subject = make_subject()
    mine, theirs = signed_in(officer), signed_in(privacy_officer)
    form = {**hidden_fields(mine.get("/en/portal/requests/new/").content),
            "subject_ref": subject.external_ref, "type": "copy", "channel": "branch",
            "repeat_confirmed": "on"}
    mine.post("/en/portal/requests/new/", form)
    theirs.post("/en/portal/requests/new/", form)
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 2
