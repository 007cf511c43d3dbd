"""A purpose never offered to children (marketing; sensitive data such as biometrics; data sent abroad) is
left off a child's consents list, yet its confirmation stayed reachable by its address (a link in an
e-mail, an app's deep link): a child on their own login read "Come to a branch with your guardian, where
the bank records both", and a guardian read the same of their ward of 7 or over, while the branch is
bound to refuse it; for biometrics the page also asked the child to tick "I explicitly agree". The
confirmation is now offered for exactly the purposes the list offers: for the others it is not found.
Re-read of the consent UX review."""

from __future__ import annotations

import pytest

from tests.consents.factories import child_of
from tests.factories import make_customer, make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["marketing", "biometric"])
def test_a_child_on_their_own_login_is_not_invited_to_a_purpose_barred_for_children(catalogue, code):
    login = make_customer(subject=child_of(make_subject(), age=12))
    client = signed_in(login)

    assert client.get(f"/en/me/consents/{code}/confirm/").status_code == 404
    assert client.get("/en/me/consents/sharing/confirm/").status_code == 200


@pytest.mark.parametrize("age", [5, 10])
def test_a_guardian_is_not_invited_to_a_purpose_barred_for_their_ward(customer_a, catalogue, age):
    child = child_of(customer_a.customer_account.subject, age=age)
    client = signed_in(customer_a)

    assert client.get(f"/en/me/consents/marketing/confirm/?ward={child.pk}").status_code == 404
    assert client.get(f"/en/me/consents/sharing/confirm/?ward={child.pk}").status_code == 200
