"""A customer of 7 to under 16 signed in on their own login cannot consent alone (Decree 13/2023 Art. 20,
Law 91/2025: the guardian consents, the child agrees beside them); the grant refuses it. The child's own
confirmation offered "Yes, I agree" all the same, and pressing it sent them back to the list with the
officer's sentence "This customer is between 7 and 16 ... Give the guardian.": a dead end on every
switch. The confirmation now says at once how a child's consent is given, offers no button, and a post
records nothing and says the same."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent
from subjects import services as subject_services
from tests.consents.factories import STAFF, child_of
from tests.factories import make_customer, make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_login(catalogue):
    child = child_of(make_subject(), age=12)
    return child, make_customer(subject=child)


def test_the_childs_own_confirmation_says_how_and_offers_no_yes(child_login):
    child, login = child_login
    client = signed_in(login)

    page = html.unescape(client.get("/en/me/consents/sharing/confirm/").content.decode())

    assert 'data-testid="child-consents-with-guardian"' in page
    assert 'data-testid="confirm-consent"' not in page
    assert "Give the guardian" not in page
    posted = client.post("/en/me/consents/sharing/", {"on": "1", "confirmed": "1", "notice_version": "v1"})
    assert not Consent.objects.filter(subject=child).exists()
    assert posted.status_code == 400
    assert "Give the guardian" not in html.unescape(posted.content.decode())



def test_with_no_yes_offered_the_way_out_is_not_called_a_no(child_login):
    """With nothing to agree to on the page, the link back is not an answer ("No, I do not agree")."""
    _child, login = child_login
    page = html.unescape(signed_in(login).get("/en/me/consents/sharing/confirm/").content.decode())

    back = page.split('data-testid="cancel-consent"', 1)[1].split("</a>", 1)[0]
    assert "No, I do not agree" not in back and "Back to my consents" in back


@pytest.mark.parametrize(("prefix", "said"), [("/en", "must first record another guardian"),
                                              ("", "phải ghi nhận người giám hộ khác")])
def test_a_child_whose_guardian_died_is_told_the_bank_must_first_record_another(child_login, prefix, said):
    child, login = child_login
    subject_services.subject_rectify(
        actor=STAFF, subject_id=child.guardian_id,
        changes={"deceased_on": timezone.localdate() - timedelta(days=2)}, reason="death certificate",
    )
    response = signed_in(login).get(f"{prefix}/me/consents/sharing/confirm/")

    page = " ".join(html.unescape(response.content.decode()).split())

    assert said in page
    assert "Come to a branch with your guardian" not in page and "cùng người giám hộ" not in page
    assert 'data-testid="confirm-consent"' not in page
