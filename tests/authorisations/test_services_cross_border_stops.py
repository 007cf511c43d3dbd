"""An objection to, a restriction of or a withdrawal of a cross-border transfer purpose stops the third
parties abroad (an authorisation with `cross_border`): their access is a transfer of the customer's data
out of Vietnam. A domestic third party is not reached by it; sharing with third parties reaches both."""

from __future__ import annotations

import pytest
from django.utils import timezone

from authorisations import services
from consents.services import consent_withdraw
from core.actors import actor_for_user
from core.errors import Conflict
from tests.authorisations.factories import authorise, objection_in_force, register
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfer(customer1):
    """customer1's consent to the transfer of their data to the head office in Singapore."""
    purpose = make_purpose(
        "xb-head-office", category="cross_border", cross_border=True, destination_country="SG"
    )
    return grant(customer1.customer_account.subject, purpose)


def _abroad(customer, *, registration=None):
    registration = registration or register(country="SG")
    return services.authorisation_grant(
        actor=actor_for_user(customer), user=customer, subject=customer.customer_account.subject,
        third_party=registration.third_party, scopes=["transactions:read"], duration_days=90,
        cross_border_acknowledged=True,
    )


def _state(authorisation) -> tuple[str, str]:
    authorisation.refresh_from_db()
    return authorisation.status, authorisation.pause_reason


def test_an_objection_to_the_transfer_pauses_the_third_party_abroad_only(customer1, transfer):
    abroad, at_home = _abroad(customer1), authorise(customer1)
    assert abroad.cross_border and not at_home.cross_border

    objection_in_force(customer1.customer_account.subject, purposes=["xb-head-office"])

    assert _state(abroad) == ("paused", "dsr")
    assert _state(at_home) == ("active", "")


def test_a_withdrawal_request_of_the_transfer_revokes_the_third_party_abroad_only(customer1, transfer):
    abroad, at_home = _abroad(customer1), authorise(customer1)

    verified_request(customer1.customer_account.subject, type="withdraw", purposes=["xb-head-office"],
                     now=timezone.now())

    assert _state(abroad) == ("revoked", "")
    assert _state(at_home) == ("active", "")


def test_withdrawing_the_transfer_on_the_switch_revokes_the_third_party_abroad(customer1, transfer):
    abroad = _abroad(customer1)

    consent_withdraw(actor=actor_for_user(customer1), consent_id=transfer.pk, channel="internet_banking")

    assert _state(abroad) == ("revoked", "")


def test_while_the_objection_stands_no_new_third_party_abroad_but_one_at_home(customer1, transfer):
    objection_in_force(customer1.customer_account.subject, purposes=["xb-head-office"])

    with pytest.raises(Conflict) as refused:
        _abroad(customer1)

    assert refused.value.code == "objection_in_force"
    assert authorise(customer1).status == "active"


def test_a_customer_resuming_a_third_party_abroad_finds_it_held_by_the_objection(customer1, transfer):
    subject = customer1.customer_account.subject
    abroad, at_home = _abroad(customer1), authorise(customer1)
    for authorisation in (abroad, at_home):
        services.authorisation_pause(actor=actor_for_user(customer1), authorisation_id=authorisation.pk,
                                     subject=subject)
    objection = objection_in_force(subject, purposes=["xb-head-office"])

    for authorisation in (abroad, at_home):
        services.authorisation_resume(actor=actor_for_user(customer1), authorisation_id=authorisation.pk,
                                      subject=subject)

    abroad.refresh_from_db()
    assert (abroad.status, abroad.pause_reason, abroad.pause_source) == (
        "paused", "dsr", f"dsr.request:{objection.pk}"
    )
    assert _state(at_home) == ("active", "")
