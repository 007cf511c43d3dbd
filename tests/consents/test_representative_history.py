"""Acts done through a customer's representative show as such: on the staff timeline of her consents
(who acted, by name), and on her own list of requests ("filed by your representative ... at the branch")."""

from __future__ import annotations

import pytest

from consents.models import ConsentEvent
from consents.services import consent_withdraw
from core.actors import actor_for_user
from dsr.services import request_create
from tests.consents.factories import grant, make_purpose
from tests.factories import make_customer, make_representative, make_subject, signed_in

pytestmark = pytest.mark.django_db


def test_a_withdrawal_asked_by_a_representative_is_shown_so_on_the_staff_timeline(officer):
    mother = make_subject()
    consent = grant(mother, make_purpose("marketing", category="marketing"))
    son = make_representative(mother)
    consent_withdraw(actor=actor_for_user(officer), consent_id=consent.pk, channel="branch",
                     evidence="form 7", asked_by="representative", representative_id=son.pk)
    assert ConsentEvent.objects.get(consent=consent, kind="withdrawn").representative == son
    page = signed_in(officer).get(f"/en/portal/customers/{mother.pk}/").content.decode()
    assert "by representative N*** V*** N***" in page


def test_the_customer_sees_her_request_was_filed_by_her_representative_at_the_branch(officer):
    mother = make_subject()
    customer = make_customer(mother)
    make_representative(mother, scope="requests")
    request_create(actor=actor_for_user(officer), subject=mother, type="access", channel="branch",
                   representative_id_number="001090000123")
    page = signed_in(customer).get("/en/me/requests/").content.decode()
    assert "Filed by your representative Nguyễn Văn Nam" in page
    assert "through: Branch" in page
