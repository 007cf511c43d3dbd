"""A third party's read access to a customer's bank data ends when the customer's life with the bank
does: their relationship ended (every account closed) or their death recorded. A closed or deceased
customer's accounts are no longer theirs to let a connector read, and a deceased person's data is
processed only with their family's consent (Law 91/2025)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from authorisations.models import Authorisation
from core.actors import Actor
from core.errors import Conflict
from subjects import services as subject_services
from tests.authorisations.factories import authorise
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db
STAFF = Actor(kind="staff", user_id=None, label="officer_t")


@pytest.mark.parametrize("field", ["relationship_ended_on", "deceased_on"])
def test_the_end_of_the_customers_life_with_the_bank_revokes_third_party_access(field):
    customer = make_customer(subject=make_subject(date_of_birth=date(1980, 1, 1)), username="leaving")
    authorisation = authorise(customer)

    subject_services.subject_rectify(actor=STAFF, subject_id=customer.customer_account.subject.pk,
                                     changes={field: timezone.localdate()}, reason="certificate seen")

    authorisation.refresh_from_db()
    assert authorisation.status == "revoked"


def test_a_former_customer_cannot_let_a_third_party_read_their_bank_data():
    customer = make_customer(subject=make_subject(date_of_birth=date(1980, 1, 1)), username="former")
    subject_services.subject_rectify(actor=STAFF, subject_id=customer.customer_account.subject.pk,
                                     changes={"relationship_ended_on": timezone.localdate()},
                                     reason="accounts closed")
    customer.customer_account.subject.refresh_from_db()

    with pytest.raises(Conflict) as refused:
        authorise(customer)

    assert refused.value.code == "relationship_ended"
    assert not Authorisation.objects.filter(subject=customer.customer_account.subject).exists()
