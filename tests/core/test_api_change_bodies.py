"""Every `PATCH` refuses a field it does not know with 400 naming it, and changes nothing: before, DRF
dropped the field and the answer was 200, as if the change had been made (found on purposes, whose
contract names `name` and `description` where the endpoint read only `name_vi`...)."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from core.actors import Actor
from core.roles import Role
from integrations.webhooks import webhook_endpoint_create
from tests.consents.factories import make_purpose
from tests.factories import UserFactory, make_subject
from tests.regulator.factories import make_breach, make_inventory

pytestmark = pytest.mark.django_db


def _subject():
    return f"/api/v1/subjects/{make_subject().pk}/"


def _purpose():
    return f"/api/v1/purposes/{make_purpose().code}/"


def _breach():
    make_inventory()
    return f"/api/v1/breaches/{make_breach().pk}/"


def _endpoint():
    client = UserFactory(username="hooks_client", role=Role.CLIENT)
    endpoint, _secret = webhook_endpoint_create(
        actor=Actor.system("tests"), client=client, name="Hooks", url="https://hooks.example/qdl",
    )
    return f"/api/v1/webhook-endpoints/{endpoint.pk}/"


# Each PATCH endpoint, with a change it takes.
CHANGES = [
    (_subject, {"full_name": "Trần Thị Sửa"}),
    (_purpose, {"active": False}),
    (_breach, {"title": "Renamed"}),
    (_endpoint, {"active": False}),
]


@pytest.mark.parametrize(("address", "known"), CHANGES)
def test_an_unknown_field_in_a_patch_is_400_naming_it(as_user, dpo, address, known):
    url, api = address(), as_user(dpo)
    before = AuditEntry.objects.count()
    response = api.patch(url, {**known, "external_reference": "CIF9"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"external_reference": [response.json()["external_reference"][0]]}
    assert AuditEntry.objects.count() == before
    assert api.patch(url, known, format="json", HTTP_X_ACCESS_REASON="test").status_code == 200


@pytest.mark.parametrize(("address", "known"), CHANGES)
def test_a_patch_may_send_back_what_a_get_answered(as_user, dpo, address, known):
    """Clients often read a resource, change one field and send the whole of it back: the fields they
    cannot change are part of the resource, not unknown, so they are passed over, not refused."""
    url, api = address(), as_user(dpo)
    whole = api.get(url, HTTP_X_ACCESS_REASON="test").json()

    response = api.patch(url, {**whole, **known}, format="json", HTTP_X_ACCESS_REASON="test")

    assert response.status_code == 200, response.content
    assert all(response.json()[name] == value for name, value in known.items())


def test_sending_back_masked_values_never_overwrites_the_real_ones(as_user, officer):
    """Without a reason staff read personal values masked ("N*** V***", a null birth date): a PATCH
    that sends that body back, one field changed, must change that field only, not write the masks
    over the customer's data (nor blank a birth date and so make an adult look like a child)."""
    customer = make_subject(full_name="Nguyễn Văn An", email="an.nguyen@example.vn")
    url, api = f"/api/v1/subjects/{customer.pk}/", as_user(officer)
    masked = api.get(url).json()
    assert masked["full_name"] == "N*** V*** A***" and masked["date_of_birth"] is None

    response = api.patch(url, {**masked, "address": "12 Hàng Bài"}, format="json")

    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.full_name, customer.email) == ("Nguyễn Văn An", "an.nguyen@example.vn")
    assert customer.date_of_birth is not None and customer.address == "12 Hàng Bài"
