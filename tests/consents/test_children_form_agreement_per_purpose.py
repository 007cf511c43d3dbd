"""A consent form for a child from 7 to under 16 records the child's own agreement purpose by purpose:
a child who agreed to one purpose did not agree to every purpose the guardian said yes to."""

from __future__ import annotations

import pytest

from consents import services
from consents.models import Consent
from core.errors import InvalidInput
from tests.consents.factories import STAFF, child_of, make_purpose
from tests.factories import make_subject
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    guardian = make_subject()
    return guardian, child_of(guardian, age=10)


def _record(guardian, child, agreed_by_child: dict):
    return services.consent_form_record(
        actor=STAFF, subject=child, channel="branch", evidence="F-1", guardian=guardian,
        child_evidence="the child signed beside each purpose they agreed to",
        answers=[
            services.FormAnswer(purpose=purpose, notice_version="v1", agreed=True, child_agreed=agreed)
            for purpose, agreed in agreed_by_child.items()
        ],
    )


def test_each_purpose_records_its_own_child_agreement(family):
    guardian, child = family
    service, support = make_purpose("svc-a", category="service"), make_purpose("svc-b", category="support")
    recorded = _record(guardian, child, {service: True, support: True})
    assert [(c.purpose.code, c.child_agreed) for c in recorded] == [("svc-a", True), ("svc-b", True)]


def test_a_purpose_the_child_did_not_agree_to_refuses_the_whole_form(family):
    guardian, child = family
    service, support = make_purpose("svc-a", category="service"), make_purpose("svc-b", category="support")
    with pytest.raises(InvalidInput) as refused:
        _record(guardian, child, {service: True, support: False})
    assert refused.value.field == "child_agreed" and refused.value.purpose_code == "svc-b"
    assert not Consent.objects.filter(subject=child).exists()


def test_the_staff_form_asks_the_childs_agreement_beside_each_purpose(client, officer, family):
    guardian, child = family
    make_purpose("svc-a", category="service", name_en="Card service")
    make_purpose("svc-b", category="support", name_en="Support calls")
    client.force_login(officer)
    url = f"/en/portal/customers/{child.pk}/consents/new/"
    page = parse(client.get(url).content)
    for code, name in (("svc-a", "Card service"), ("svc-b", "Support calls")):
        box = page.find(**{"name": f"child_agreed_{code}"})
        assert box is not None, code
        label = page.find("label", **{"for": box.attrs["id"]})
        assert name in label.text()
    assert page.find(**{"name": "child_agreed"}) is None

    response = client.post(url, {
        "answer_svc-a": "yes", "version_svc-a": "v1", "child_agreed_svc-a": "on",
        "answer_svc-b": "yes", "version_svc-b": "v1",
        "answered_by": "customer", "notice_given": "read_out",
        "channel": "branch", "evidence": "F-2", "guardian_ref": guardian.external_ref,
        "child_evidence": "signed beside svc-a",
    })
    assert response.status_code == 200  # refused: the child did not agree to svc-b
    assert not Consent.objects.filter(subject=child).exists()
    client.post(url, {
        "answer_svc-a": "yes", "version_svc-a": "v1", "child_agreed_svc-a": "on",
        "answer_svc-b": "no", "version_svc-b": "v1",
        "answered_by": "customer", "notice_given": "read_out",
        "channel": "branch", "evidence": "F-3", "guardian_ref": guardian.external_ref,
        "child_evidence": "signed beside svc-a",
    })
    agreed = dict(Consent.objects.filter(subject=child).values_list("purpose__code", "child_agreed"))
    assert agreed == {"svc-a": True, "svc-b": False}
