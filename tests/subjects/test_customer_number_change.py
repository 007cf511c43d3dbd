"""Core banking's customer number (CIF) changes: renumbered there, or mistyped at capture. The record
keeps its consents, requests and authorisations; proof issued under the old number keeps naming it;
callers still sending the old number are told the new one instead of a silent "unknown customer"."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from subjects.models import CustomerNumberChange, DataSubject
from subjects.selectors import customer_number_at
from tests.consents.factories import IMPORT_HEADER, IMPORTED_ON, grant, import_csv, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _change(client, subject, new_ref, **body):
    return client.post(
        f"/api/v1/subjects/{subject.pk}/customer-number/",
        {"external_ref": new_ref, "kind": "renumbered", "reason": "core banking migration batch 7", **body},
        format="json",
    )


def test_the_dpo_moves_a_customer_to_the_number_core_banking_now_uses(as_user, dpo, officer, client_user):
    customer = make_subject(external_ref="CIF7100001")
    purpose = make_purpose()
    consent = grant(customer, purpose)
    receipt_before = as_user(dpo).get(f"/api/v1/consents/{consent.pk}/receipt/").content

    assert _change(as_user(officer), customer, "CIF7199999").status_code == 403
    changed = _change(as_user(dpo), customer, "CIF7199999")

    assert changed.status_code == 200, changed.content
    assert changed.json()["external_ref"] == "CIF7199999"
    check = as_user(client_user).get(f"/api/v1/consent-check/?subject=CIF7199999&purpose={purpose.code}")
    assert check.json()["allowed"] is True and check.json()["consent"] == str(consent.pk)
    # The receipt names the number the customer consented under: the same bytes as before.
    assert as_user(dpo).get(f"/api/v1/consents/{consent.pk}/receipt/").content == receipt_before
    kept = CustomerNumberChange.objects.get(subject=customer)
    assert (kept.old_ref, kept.new_ref, kept.kind) == ("CIF7100001", "CIF7199999", "renumbered")
    entry = AuditEntry.objects.get(action="core.subject.customer_number_changed", subject_id=customer.pk)
    assert entry.data["old"] == "CIF7100001" and entry.data["new"] == "CIF7199999"


def test_the_old_number_is_answered_with_the_new_one_not_as_unknown(as_user, dpo, client_user):
    customer = make_subject(external_ref="CIF7100002")
    purpose = make_purpose()
    grant(customer, purpose)
    _change(as_user(dpo), customer, "CIF7199998")

    old = as_user(client_user).get(f"/api/v1/consent-check/?subject=cif7100002&purpose={purpose.code}")

    assert old.status_code == 404, old.content
    assert old.json()["code"] == "customer_number_changed"
    assert old.json()["external_ref"] == "CIF7199998"
    never = as_user(client_user).get(f"/api/v1/consent-check/?subject=CIF7100404&purpose={purpose.code}")
    assert never.status_code == 404 and never.json()["code"] == "subject_not_found"


def test_a_number_another_record_holds_is_refused_a_merge_is_not_a_renumber(as_user, dpo):
    customer = make_subject(external_ref="CIF7100003")
    make_subject(external_ref="CIF7100004")

    taken = _change(as_user(dpo), customer, "cif7100004")

    assert taken.status_code == 409 and taken.json()["code"] == "customer_number_taken"
    customer.refresh_from_db()
    assert customer.external_ref == "CIF7100003" and not CustomerNumberChange.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"reason": "  "}, "reason"), ({"kind": "guessed"}, "kind"), ({"external_ref": "CIF 7"}, "external_ref"),
])
def test_a_change_without_a_reason_kind_or_valid_number_is_a_400(as_user, dpo, body, field):
    customer = make_subject(external_ref="CIF7100005")
    response = as_user(dpo).post(
        f"/api/v1/subjects/{customer.pk}/customer-number/",
        {"external_ref": "CIF7100006", "kind": "mistyped", "reason": "typed 5 for 6", **body}, format="json",
    )
    assert response.status_code == 400 and field in response.json(), response.content


def test_a_former_number_is_not_registered_again_as_a_second_record(as_user, dpo, client_user):
    """Core banking's old batch file still carries the former CIF: registering it again would split the
    person into two records, the new one with no consents, and the old number would answer "no"."""
    customer = make_subject(external_ref="CIF7100007")
    _change(as_user(dpo), customer, "CIF7199997")

    again = as_user(client_user).post(
        "/api/v1/subjects/", {"external_ref": "CIF7100007", "full_name": "Trần Thị Lặp"}, format="json"
    )

    assert again.status_code == 409, again.content
    assert again.json()["code"] == "customer_number_changed" and again.json()["external_ref"] == "CIF7199997"


def test_a_consent_or_request_sent_under_the_former_number_is_told_the_new_one(as_user, dpo, client_user):
    customer = make_subject(external_ref="CIF7100008")
    purpose = make_purpose()
    _change(as_user(dpo), customer, "CIF7199996")
    consent = {"subject": "CIF7100008", "purpose": purpose.code, "notice_version": "v1", "channel": "api"}
    request = {"subject": "CIF7100008", "type": "access", "channel": "api"}

    for url, body in (("/api/v1/consents/", consent), ("/api/v1/requests/", request)):
        refused = as_user(client_user).post(url, body, format="json")
        assert refused.status_code == 400, refused.content
        assert "CIF7199996" in refused.json()["subject"][0], refused.content


def test_the_campaign_check_names_the_new_number_of_a_former_one(as_user, dpo, client_user):
    customer = make_subject(external_ref="CIF7100009")
    purpose = make_purpose()
    grant(customer, purpose)
    _change(as_user(dpo), customer, "CIF7199995")

    answer = as_user(client_user).post(
        "/api/v1/consent-check/bulk/", {"purpose": purpose.code, "subjects": ["cif7100009", "CIF7100404"]},
        format="json",
    ).json()

    assert answer["unknown"] == ["cif7100009", "CIF7100404"]
    assert answer["moved"] == {"cif7100009": "CIF7199995"}
    proof = AuditEntry.objects.get(action="consents.campaign.checked")
    assert proof.data["moved"] == 1 and "7199995" not in str(proof.data)


def test_the_audit_trail_finds_the_customer_by_the_number_on_the_old_paper_form(as_user, dpo, auditor):
    """The inspector holds a consent form signed under the former CIF and asks the trail about it."""
    customer = make_subject(external_ref="CIF7100010")
    _change(as_user(dpo), customer, "CIF7199994")

    entries = as_user(auditor).get("/api/v1/audit/?subject=CIF7100010").json()
    entries = entries.get("results", entries)

    actions = {entry["action"] for entry in entries}
    assert {"core.subject.created", "core.subject.customer_number_changed"} <= actions, actions


def test_an_imported_paper_form_under_the_former_number_is_refused_naming_the_new_one(as_user, dpo):
    customer = make_subject(external_ref="CIF7100011")
    purpose = make_purpose()
    _change(as_user(dpo), customer, "CIF7199993")

    row = f"CIF7100011,{purpose.code},v1,paper_form,scan-9,{IMPORTED_ON},yes,granted"
    run = import_csv(f"{IMPORT_HEADER}\n{row}\n")

    assert run.refused == 1
    assert "CIF7199993" in str(run.errors), run.errors


def test_the_number_carried_at_a_moment_is_read_alike_with_and_without_the_prefetch(as_user, dpo):
    customer = make_subject(external_ref="CIF7100021")
    before_both = timezone.now()
    _change(as_user(dpo), customer, "CIF7100022")
    between = timezone.now()
    _change(as_user(dpo), customer, "CIF7100023")
    customer.refresh_from_db()
    prefetched = DataSubject.objects.prefetch_related("number_changes").get(pk=customer.pk)

    for record in (customer, prefetched):
        assert customer_number_at(record, before_both) == "CIF7100021"
        assert customer_number_at(record, between) == "CIF7100022"
        assert customer_number_at(record, timezone.now()) == "CIF7100023"


def test_a_mistyped_number_is_another_persons_not_a_forwarding_address(as_user, dpo, client_user):
    """The branch typed CIF7100012 for the customer whose number is CIF7199992; CIF7100012 is someone
    else's. That person must be registrable under their own number, and a caller asking about them must
    not be sent to the first customer's consents."""
    customer = make_subject(external_ref="CIF7100012")
    purpose = make_purpose()
    grant(customer, purpose)
    assert _change(as_user(dpo), customer, "CIF7199992", kind="mistyped").status_code == 200

    check = as_user(client_user).get(f"/api/v1/consent-check/?subject=CIF7100012&purpose={purpose.code}")
    assert check.status_code == 404 and check.json()["code"] == "subject_not_found", check.content
    bulk = as_user(client_user).post(
        "/api/v1/consent-check/bulk/", {"purpose": purpose.code, "subjects": ["CIF7100012"]}, format="json",
    ).json()
    assert bulk["unknown"] == ["CIF7100012"] and bulk["moved"] == {}
    owner = as_user(client_user).post(
        "/api/v1/subjects/", {"external_ref": "CIF7100012", "full_name": "Lê Văn Thật"}, format="json"
    )
    assert owner.status_code == 201, owner.content


def test_no_customer_is_renumbered_onto_another_customers_former_number(as_user, dpo):
    """Registering a customer under a renumbered customer's former number is refused (it is that person's
    number on old paper forms, and callers sending it are forwarded to them); moving another customer
    onto it is refused the same way. The customer's own former number stays theirs to go back to."""
    moved = make_subject(external_ref="CIF7100020")
    _change(as_user(dpo), moved, "CIF7199990")
    other = make_subject(external_ref="CIF7100021")

    refused = _change(as_user(dpo), other, "cif7100020")

    assert refused.status_code == 409, refused.content
    answer = refused.json()
    assert (answer["code"], answer["external_ref"]) == ("customer_number_changed", "CIF7199990")
    other.refresh_from_db()
    assert other.external_ref == "CIF7100021"
    assert not CustomerNumberChange.objects.filter(subject=other).exists()
    back = _change(as_user(dpo), moved, "CIF7100020", reason="core banking reverted batch 7")
    assert back.status_code == 200, back.content
