"""Under 7 the guardian acts alone (domain notes), and "for a child, name the guardian" (docs/requests.md):
a request for a child under 7 is taken in only from their verified guardian, never as the child's own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from core.errors import InvalidInput
from dsr import services as dsr_services
from dsr.models import DataSubjectRequest
from subjects import services as subject_services
from tests.consents.factories import STAFF, SYSTEM, child_of
from tests.factories import make_customer, make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db
INTAKE_URL = "/en/portal/requests/new/"


def test_a_request_for_a_child_under_seven_without_the_guardian_is_refused():
    parent = make_subject()
    child = child_of(parent, age=5)

    with pytest.raises(InvalidInput) as refused:
        dsr_services.request_create(actor=STAFF, subject=child, type="delete", channel="branch")

    assert refused.value.field == "guardian"
    assert not DataSubjectRequest.objects.filter(subject=child).exists()
    # With the verified guardian it is taken in.
    made = dsr_services.request_create(actor=STAFF, subject=child, type="delete", channel="branch",
                                       guardian=parent)
    assert made.guardian_id == parent.pk


@pytest.mark.parametrize("type", ["withdraw", "object", "restrict"])
def test_a_child_of_seven_to_sixteen_withdraws_objects_or_restricts_alone(type):
    child = child_of(make_subject(), age=10)

    made = dsr_services.request_create(actor=STAFF, subject=child, type=type, channel="branch")

    assert (made.subject_id, made.guardian_id) == (child.pk, None)


@pytest.mark.parametrize("type", ["access", "copy", "rectify", "delete", "complaint"])
def test_a_child_of_seven_to_sixteen_exercises_other_rights_through_the_guardian(type):
    parent = make_subject()
    child = child_of(parent, age=10)

    with pytest.raises(InvalidInput) as refused:
        dsr_services.request_create(actor=STAFF, subject=child, type=type, channel="branch")

    assert refused.value.field == "guardian"
    assert dsr_services.request_create(actor=STAFF, subject=child, type=type, channel="branch",
                                       guardian=parent).guardian_id == parent.pk


@pytest.mark.parametrize("type", ["withdraw", "object", "restrict"])
def test_under_seven_even_a_withdrawal_comes_from_the_guardian(type):
    child = child_of(make_subject(), age=5)

    with pytest.raises(InvalidInput) as refused:
        dsr_services.request_create(actor=STAFF, subject=child, type=type, channel="branch")

    assert refused.value.field == "guardian"


def test_a_customer_of_unknown_age_is_not_assumed_adult_but_may_still_withdraw():
    parent = make_subject()
    ward = make_subject(guardian=parent, date_of_birth=None, national_id="", phone="", email="")
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="birth-cert-1")

    with pytest.raises(InvalidInput) as refused:
        dsr_services.request_create(actor=STAFF, subject=ward, type="access", channel="branch")

    with translation.override("en"):
        assert refused.value.field == "guardian" and "date of birth" in refused.value.text
    dsr_services.request_create(actor=STAFF, subject=ward, type="withdraw", channel="branch")
    dsr_services.request_create(actor=STAFF, subject=ward, type="access", channel="branch", guardian=parent)
    adult = make_subject(date_of_birth=None, adult_verified=True)
    dsr_services.request_create(actor=STAFF, subject=adult, type="access", channel="branch")


def test_a_childs_own_login_cannot_file_a_deletion_under_seven(as_user):
    child = child_of(make_subject(), age=5)

    answer = as_user(make_customer(child)).post("/api/v1/requests/", {"type": "delete", "channel": "api"},
                                            format="json")

    assert answer.status_code == 400 and "guardian" in answer.json(), answer.json()
    assert not DataSubjectRequest.objects.filter(subject=child).exists()


@pytest.mark.parametrize(("age", "told"), [(12, "your guardian"), (None, "date of birth")])
def test_a_child_filing_on_their_own_pages_is_told_what_they_can_do_not_to_name_a_guardian(age, told):
    """The staff wording ("Name the guardian") on the customer's page named a field the page has not."""
    parent = make_subject()
    child = child_of(parent, age=age) if age else make_subject(guardian=parent, date_of_birth=None)
    browser = Client()
    browser.force_login(make_customer(child))

    page = browser.post("/en/me/requests/new/", {"type": "access", "details": "Xem"}).content.decode()

    assert told in page and "withdraw" in page
    assert "Name the guardian" not in page and "name their verified guardian" not in page
    assert not DataSubjectRequest.objects.filter(subject=child).exists()


def test_the_intake_page_puts_the_missing_guardian_on_the_guardian_field(officer):
    """The officer sees what to fix where they fix it, as the consent form does, not only above the form."""
    child = child_of(make_subject(), age=5)
    client = signed_in(officer)
    page = client.post(INTAKE_URL, {**hidden_fields(client.get(INTAKE_URL).content),
                                    "subject_ref": child.external_ref, "type": "delete",
                                    "channel": "branch", "details": "Xoá dữ liệu của cháu"})

    assert page.status_code == 200
    form = page.context["form"]
    assert "guardian_ref" in form.errors
    assert not form.non_field_errors()
    assert not DataSubjectRequest.objects.filter(subject=child).exists()
