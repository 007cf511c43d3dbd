"""What a purpose's category promises, held on create and on update: a sharing purpose names who
receives the data (domain notes: a sharing consent names the recipient), and a cross-border one sends
the data abroad, so that children are not offered it and the receipt says where it goes."""

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


@pytest.mark.parametrize("category", ["sharing", "cross_border"])
def test_a_sharing_or_cross_border_purpose_names_a_recipient(category):
    abroad = {"cross_border": True, "destination_country": "JP"} if category == "cross_border" else {}

    _refused_on("recipients", lambda: make_purpose("nobody", category=category, recipients=[], **abroad))

    assert not Purpose.objects.filter(code="nobody").exists()


@pytest.mark.parametrize("category", ["sharing", "cross_border"])
def test_an_update_cannot_leave_a_sharing_purpose_with_no_recipient(category):
    partner = make_recipient("Partner JP", kind="group_company")
    abroad = {"cross_border": True, "destination_country": "JP"} if category == "cross_border" else {}
    purpose = make_purpose("shared", category=category, recipients=[partner], **abroad)

    _refused_on("recipients", lambda: services.purpose_update(
        actor=SYSTEM, code="shared", changes={}, recipients=[]
    ))

    assert list(purpose.recipients.all()) == [partner]


def test_a_purpose_at_home_cannot_become_a_sharing_one_without_a_recipient():
    make_purpose("support", category="support")

    _refused_on("recipients", lambda: services.purpose_update(
        actor=SYSTEM, code="support", changes={"category": "sharing"}
    ))

    assert Purpose.objects.get(code="support").notices.count() == 1


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
    """No data migration: a sharing purpose stored naming no one stays as it is until its scope changes,
    and the DPO can still retire it."""
    partner = make_recipient("Partner")
    purpose = make_purpose("legacy", category="sharing", recipients=[partner])
    notice = purpose.notices.get()
    notice.scope = {**notice.scope, "recipients": []}
    notice.save(update_fields=["scope"])
    purpose.recipients.clear()

    services.purpose_update(actor=SYSTEM, code="legacy", changes={"name_en": "Old sharing", "active": False})

    purpose.refresh_from_db()
    assert (purpose.name_en, purpose.active, purpose.notices.count()) == ("Old sharing", False, 1)
    _refused_on("recipients", lambda: services.purpose_update(
        actor=SYSTEM, code="legacy", changes={"data_categories": ["contact"]}
    ))
