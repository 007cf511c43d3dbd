"""A recipient's contact e-mail is where its reminders go (`consents.services.duty_reminders`): the staff
form and the API serializer checked it, but the services took any string, so the CSV or a shell or any
other caller could store an address no reminder ever reaches. The services refuse it (400
`contact_email`), leaving the recipient as it was."""
from __future__ import annotations

import pytest

from consents import services
from consents.models import Recipient
from core.errors import InvalidInput
from tests.consents.factories import STAFF, make_recipient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", ["partner at bank", "reminders@", "a@b@c.vn"])
def test_a_new_recipient_with_no_address_for_contact_is_refused(address):
    with pytest.raises(InvalidInput) as refused:
        services.recipient_create(actor=STAFF, name="Bảo hiểm Đối tác", kind="partner", contact_email=address)

    assert refused.value.field == "contact_email"
    assert not Recipient.objects.filter(name="Bảo hiểm Đối tác").exists()


def test_a_contact_set_to_no_address_is_refused_and_the_old_one_kept():
    recipient = make_recipient("Thẻ Đồng thương hiệu")
    services.recipient_contact_set(actor=STAFF, recipient_id=recipient.pk, contact_email=" dpo@partner.vn ",
                                   language="vi")

    with pytest.raises(InvalidInput) as refused:
        services.recipient_contact_set(actor=STAFF, recipient_id=recipient.pk, contact_email="dpo partner.vn",
                                       language="vi")

    assert refused.value.field == "contact_email"
    recipient.refresh_from_db()
    assert recipient.contact_email == "dpo@partner.vn"
