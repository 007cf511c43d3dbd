"""From 7 to under 16 the child agrees beside the guardian (Decree 13/2023 Art. 20): the guardian's own
self-service session cannot give the child's agreement, so it is recorded at a branch with its
evidence (or through the bank's API), and the page says so."""

from __future__ import annotations

import pytest

from consents.models import Consent
from tests.consents.factories import child_of
from tests.factories import signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

AGREE = {"on": "1", "confirmed": "1", "notice_version": "v1"}


def test_the_guardians_session_cannot_give_the_childs_agreement(customer_a, catalogue):
    parent = customer_a.customer_account.subject
    child = child_of(parent, age=10)
    client = signed_in(customer_a)

    response = client.post("/en/me/consents/sharing/", {**AGREE, "ward": str(child.pk), "child_agreed": "1"})

    assert response.status_code == 400
    assert "at a branch" in parse(response.content).find(**{"data-testid": "confirm-error"}).text()
    assert not Consent.objects.filter(subject=child).exists()


@pytest.mark.parametrize(("prefix", "branch"), [("/en", "branch"), ("", "chi nhánh")])
def test_the_confirmation_for_a_ward_of_seven_or_over_says_where_the_child_agrees(
    customer_a, catalogue, prefix, branch
):
    parent = customer_a.customer_account.subject
    child = child_of(parent, age=10)

    url = f"{prefix}/me/consents/sharing/confirm/?ward={child.pk}"
    page = parse(signed_in(customer_a).get(url).content)

    told = page.find(**{"data-testid": "child-agrees-elsewhere"})
    assert told is not None and child.external_ref in told.text()
    assert branch in told.text()
    assert page.find(**{"name": "child_agreed"}) is None
    assert page.find(**{"data-testid": "confirm-consent"}) is None


def test_a_ward_under_seven_is_still_agreed_for_by_the_guardian_alone(customer_a, catalogue):
    parent = customer_a.customer_account.subject
    child = child_of(parent, age=5)
    client = signed_in(customer_a)

    page = parse(client.get(f"/en/me/consents/sharing/confirm/?ward={child.pk}").content)
    assert page.find(**{"data-testid": "child-agrees-elsewhere"}) is None
    client.post("/en/me/consents/sharing/", {**AGREE, "ward": str(child.pk)})

    consent = Consent.objects.get(subject=child, purpose__code="sharing")
    assert consent.guardian_id == parent.pk and not consent.child_agreed
