"""What a purpose's category promises, held on create and on update: a cross-border purpose sends the
data abroad (its flag and destination, or a recipient abroad), so that children are not offered it and
the receipt says where it goes. A sharing purpose may still be created naming no recipient: the contract's
`POST purposes/` takes `recipients` as optional and has no endpoint to create one (docs/consents.md)."""

from __future__ import annotations

import pytest

from consents import services
from consents.models import Purpose
from core.errors import InvalidInput
from tests.consents.factories import SYSTEM, make_purpose, make_recipient

pytestmark = pytest.mark.django_db


def _refused_on(field: str, make) -> None:
    with pytest.raises(InvalidInput) as refused:
        make()
    assert refused.value.field == field


def test_the_contract_creates_a_sharing_purpose_without_naming_recipients(as_user, dpo):
    body = {"code": "bancassurance", "name": "Chia sẻ với đối tác bảo hiểm", "description": "Chia sẻ",
            "category": "sharing", "legal_basis": "consent", "notice_version": "2026-01"}
    response = as_user(dpo).post("/api/v1/purposes/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["recipients"] == []


def test_a_cross_border_purpose_whose_data_stays_home_is_refused():
    at_home = make_recipient("Head office", kind="group_company")  # in Vietnam

    _refused_on(
        "destination_country", lambda: make_purpose("xb", category="cross_border", recipients=[at_home])
    )

    assert not Purpose.objects.filter(code="xb").exists()


def test_a_cross_border_purpose_sends_data_abroad_by_its_flag_or_by_a_recipient_abroad():
    at_home = make_recipient("Head office", kind="group_company")
    abroad = services.recipient_create(actor=SYSTEM, name="Tokyo office", kind="group_company", country="JP")

    by_flag = make_purpose(
        "xb-flag", category="cross_border", recipients=[at_home], cross_border=True, destination_country="SG"
    )
    by_recipient = make_purpose("xb-recipient", category="cross_border", recipients=[abroad])

    assert [p.notices.get().scope["destinations"] for p in (by_flag, by_recipient)] == [["SG"], ["JP"]]


def test_an_update_cannot_bring_a_cross_border_purpose_home():
    at_home = make_recipient("Head office", kind="group_company")
    make_purpose(
        "xb", category="cross_border", recipients=[at_home], cross_border=True, destination_country="JP"
    )

    _refused_on("destination_country", lambda: services.purpose_update(
        actor=SYSTEM, code="xb", changes={"cross_border": False, "destination_country": ""}
    ))
    make_purpose("home", category="sharing", recipients=[at_home])
    _refused_on("destination_country", lambda: services.purpose_update(
        actor=SYSTEM, code="home", changes={"category": "cross_border"}
    ))

    assert Purpose.objects.get(code="xb").notices.count() == 1
    assert Purpose.objects.get(code="home").notices.count() == 1


def test_a_purpose_stored_before_these_rules_can_still_be_reworded_and_withdrawn_from_offer():
    """No data migration: a cross-border purpose stored with its data at home stays as it is until its
    scope changes, and the DPO can still retire it."""
    purpose = make_purpose("legacy", category="cross_border", cross_border=True, destination_country="JP",
                           recipients=[make_recipient("Partner")])
    notice = purpose.notices.get()
    notice.scope = {**notice.scope, "cross_border": False, "destination_country": "", "destinations": []}
    notice.save(update_fields=["scope"])
    Purpose.objects.filter(code="legacy").update(cross_border=False, destination_country="")

    services.purpose_update(actor=SYSTEM, code="legacy", changes={"name_en": "Old transfer", "active": False})

    purpose = Purpose.objects.get(code="legacy")
    assert (purpose.name_en, purpose.active) == ("Old transfer", False)
    _refused_on("destination_country", lambda: services.purpose_update(
        actor=SYSTEM, code="legacy", changes={"data_categories": ["contact"]}
    ))
