"""The staff consent form asks for a guardian and the child's agreement only when the customer may be a
child (under 16, or of unknown age and not verified as an adult); a form posted for an adult that still
carries them reaches the service, which answers as it always has."""
from __future__ import annotations

import pytest

from consents.models import Consent
from tests.consents.factories import child_of, make_purpose
from tests.factories import make_subject
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

CHILD_FIELDS = ("guardian_ref", "child_evidence", "child_agreed_svc-a")


@pytest.fixture
def service_purpose():
    return make_purpose("svc-a", category="service", name_en="Card service")


def _form(client, officer, subject):
    client.force_login(officer)
    return parse(client.get(f"/en/portal/customers/{subject.pk}/consents/new/").content)


def test_an_adults_form_asks_nothing_about_a_child(client, officer, service_purpose):
    page = _form(client, officer, make_subject())
    assert page.find(**{"name": "answer_svc-a"}) is not None
    for name in CHILD_FIELDS:
        assert page.find(**{"name": name}) is None, name


@pytest.mark.parametrize("whose", ["child", "age unknown"])
def test_a_childs_form_asks_for_the_guardian_and_the_childs_agreement(
    client, officer, service_purpose, whose
):
    subject = child_of(make_subject(), age=10) if whose == "child" else make_subject(date_of_birth=None)
    page = _form(client, officer, subject)
    for name in CHILD_FIELDS:
        assert page.find(**{"name": name}) is not None, name


def test_an_adults_form_carrying_a_guardian_is_refused_by_the_service_as_before(
    client, officer, service_purpose
):
    adult, guardian = make_subject(), make_subject()
    client.force_login(officer)
    refused = client.post(f"/en/portal/customers/{adult.pk}/consents/new/", {
        "answer_svc-a": "yes", "version_svc-a": "v1", "child_agreed_svc-a": "on",

            "answered_by": "customer", "notice_given": "read_out",
            "channel": "branch", "evidence": "F-9", "guardian_ref": guardian.external_ref,
        "child_evidence": "signed",
    })
    assert refused.status_code == 200
    assert not Consent.objects.filter(subject=adult).exists()
    page = parse(refused.content)
    # The field the refusal names is on the page again, with what was typed.
    assert page.find(**{"name": "guardian_ref"}).attrs["value"] == guardian.external_ref
