"""A purpose sends data abroad when its flag says so or when any recipient is outside Vietnam: the
rules (exemption or consent, children's bar) and the receipt read that, and a purpose an earlier release
judged by its flag alone gets the widening version (announced, re-consent) through the upgrade."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from consents import services
from consents.models import NoticeAnnouncement, Purpose
from consents.receipts import consent_receipt
from consents.selectors import consent_check
from core.errors import Conflict, InvalidInput
from tests.consents.factories import SYSTEM, announce_on_time, child_of, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _recipient(name: str, country: str, kind: str = "group_company"):
    return services.recipient_create(actor=SYSTEM, name=name, kind=kind, country=country)


def test_a_contract_purpose_with_a_processor_abroad_needs_an_exemption():
    processor = _recipient("SG IT Outsourcing", "SG", kind="processor")
    with pytest.raises(InvalidInput) as refused:
        make_purpose("core-it", legal_basis="contract", recipients=[processor])
    assert refused.value.field == "transfer_exemption"
    purpose = make_purpose(
        "core-it", legal_basis="contract", recipients=[processor], transfer_exemption="contract"
    )
    assert purpose.notices.get().scope["destinations"] == ["SG"]


def test_a_processor_at_home_still_needs_no_exemption():
    processor = _recipient("Hanoi Card Printing", "VN", kind="processor")
    purpose = make_purpose("cards", legal_basis="contract", recipients=[processor])
    assert purpose.notices.get().scope["destinations"] == []


def test_a_child_is_not_offered_sharing_with_a_recipient_abroad():
    purpose = make_purpose("group-share", category="sharing", recipients=[_recipient("JP Head Office", "JP")])
    guardian = make_subject()
    child = child_of(guardian, age=10)
    with pytest.raises(Conflict) as barred:
        grant(subject=child, purpose=purpose, guardian=guardian, child_agreed=True, child_evidence="sig-2")
    assert barred.value.code == "child_barred"


def test_the_receipt_says_the_data_goes_abroad_and_where():
    tokyo, seoul = _recipient("JP Head Office", "JP"), _recipient("KR Card Partner", "KR", kind="partner")
    purpose = make_purpose(
        "group-share", category="sharing", recipients=[tokyo, seoul], cross_border=True,
        destination_country="SG",
    )
    receipt = consent_receipt(grant(purpose=purpose))
    assert receipt["purpose"]["cross_border"] is True
    assert receipt["purpose"]["destination_country"] == "JP, KR, SG"


def _as_an_earlier_release_stored_it(purpose):
    """The purpose's version as stored before destinations were derived: the flag alone."""
    notice = purpose.notices.get()
    notice.scope = {k: v for k, v in notice.scope.items() if k != "destinations"}
    notice.save(update_fields=["scope"])


def test_the_upgrade_announces_the_widening_and_older_consents_then_need_reconsent():
    purpose = make_purpose(
        "group-share", category="sharing", recipients=[_recipient("JP Head Office", "JP")],
        effective_at=NOW - timedelta(days=60),
    )
    _as_an_earlier_release_stored_it(purpose)
    subject = make_subject()
    consent = grant(subject, purpose, now=NOW - timedelta(days=1))

    upgraded = services.purpose_scopes_refresh(actor=SYSTEM, now=NOW)

    version = purpose.notices.order_by("-effective_at").first()
    assert upgraded == {"group-share": version.version}
    assert version.material and version.effective_at == NOW + timedelta(days=30)
    assert version.scope["destinations"] == ["JP"]
    assert NoticeAnnouncement.objects.get(notice=version).significant
    assert services.purpose_scopes_refresh(actor=SYSTEM, now=NOW) == {}
    check = consent_check(subject_ref=subject.external_ref, purpose_code="group-share", now=NOW)
    assert (check.allowed, check.reason) == (True, "granted")
    announce_on_time("group-share")
    later = NOW + timedelta(days=30, minutes=1)
    check = consent_check(subject_ref=subject.external_ref, purpose_code="group-share", now=later)
    assert (check.allowed, check.reason, check.consent) == (False, "reconsent_required", consent.pk)


def test_the_upgrade_leaves_a_purpose_at_home_alone_and_its_wording_still_changes_at_once():
    purpose = make_purpose("support", category="support", effective_at=NOW - timedelta(days=60))
    _as_an_earlier_release_stored_it(purpose)
    assert services.purpose_scopes_refresh(actor=SYSTEM, now=NOW) == {}
    services.purpose_update(actor=SYSTEM, code="support", changes={"name_en": "Help desk"}, now=NOW)
    assert purpose.notices.count() == 1


def test_the_upgrade_names_a_purpose_the_dpo_must_decide():
    processor = _recipient("SG IT Outsourcing", "SG", kind="processor")
    purpose = make_purpose(
        "core-it", legal_basis="contract", recipients=[processor], transfer_exemption="contract",
        effective_at=NOW - timedelta(days=60),
    )
    notice = purpose.notices.get()
    notice.scope = {k: v for k, v in notice.scope.items() if k != "destinations"} | {"transfer_exemption": ""}
    notice.save(update_fields=["scope"])
    upgraded = services.purpose_scopes_refresh(actor=SYSTEM, now=NOW)
    assert "core-it" in upgraded and upgraded["core-it"] is None
    assert purpose.notices.count() == 1


def test_the_upgrade_command_says_what_it_scheduled_and_what_the_dpo_must_decide():
    make_purpose("group-share", category="sharing", recipients=[_recipient("JP Head Office", "JP")])
    _as_an_earlier_release_stored_it(Purpose.objects.get(code="group-share"))
    out = io.StringIO()
    call_command("refresh_purpose_scopes", stdout=out)
    assert "group-share: version" in out.getvalue() and "1 purposes to refresh" in out.getvalue()
    out = io.StringIO()
    call_command("refresh_purpose_scopes", stdout=out)
    assert out.getvalue().strip() == "0 purposes to refresh"


def test_the_api_tells_a_client_the_purpose_sends_data_abroad_through_its_recipients(as_user, client_user):
    """A core-banking client deciding whether a customer's data may leave Vietnam reads `cross_border`:
    a recipient abroad makes it true whatever the DPO's flag says, and `destinations` names where."""
    make_purpose("group-share", category="sharing", recipients=[_recipient("JP Head Office", "JP")])
    make_purpose("newsletter", category="marketing")
    rows = {row["code"]: row for row in as_user(client_user).get("/api/v1/purposes/").json()["results"]}
    assert (rows["group-share"]["cross_border"], rows["group-share"]["destinations"]) == (True, ["JP"])
    assert (rows["newsletter"]["cross_border"], rows["newsletter"]["destinations"]) == (False, [])
    one = as_user(client_user).get("/api/v1/purposes/group-share/").json()
    assert (one["cross_border"], one["destinations"]) == (True, ["JP"])
