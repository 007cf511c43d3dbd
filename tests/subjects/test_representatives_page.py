"""The staff page of a customer's representatives: listed, added and revoked by the roles that change
customer records, through the services (the same checks and audit entries); the customer page links to it."""

from __future__ import annotations

from datetime import date

import pytest

from audit.models import AuditEntry
from core.actors import actor_for_user
from subjects.models import Representative
from subjects.representatives import representative_record
from tests.factories import make_subject, signed_in
from tests.html_tree import ids, parse

pytestmark = pytest.mark.django_db

_FORM = {
    "full_name": "Nguyễn Văn Nam", "id_number": "001090000123", "relationship": "Son",
    "authority": "power_of_attorney", "document_reference": "POA 12/2026, Notary Office No. 3",
    "document_date": "2026-01-10", "scope": "both", "valid_from": "2026-01-10", "valid_until": "",
}


def _url(subject) -> str:
    return f"/en/portal/customers/{subject.pk}/representatives/"


def test_the_customer_page_links_to_the_representatives(officer):
    mother = make_subject()
    page = parse(signed_in(officer).get(f"/en/portal/customers/{mother.pk}/").content)
    assert any(a.get("href") == _url(mother) for a in page.find_all("a"))


def test_an_officer_adds_a_representative_and_sees_it_listed_with_its_id_number_masked(officer):
    mother = make_subject()
    answer = signed_in(officer).post(_url(mother), _FORM)
    assert answer.status_code == 302
    son = Representative.objects.get(subject=mother)
    assert (son.full_name, son.scope, son.valid_until) == ("Nguyễn Văn Nam", "both", None)
    recorded = AuditEntry.objects.filter(
        action="core.subject.representative_recorded", actor_user_id=officer.pk
    )
    assert recorded.exists()
    page = signed_in(officer).get(_url(mother)).content.decode()
    assert "N*** V*** N***" in page and "0123" in page and "001090000123" not in page


def test_a_wrong_period_is_said_on_its_field_and_nothing_is_recorded(officer):
    mother = make_subject()
    answer = signed_in(officer).post(_url(mother), {**_FORM, "valid_from": "2026-01-09"})
    assert answer.status_code == 200
    assert "before its document" in ids(parse(answer.content))["id_valid_from_error"].text()
    assert not Representative.objects.exists()


def test_an_officer_revokes_an_authority_with_a_reason(officer):
    mother = make_subject()
    son = representative_record(
        actor=actor_for_user(officer), subject_id=mother.pk, full_name="Nam", id_number="001090000123",
        relationship="Son", authority="court_guardian", document_reference="Decision 5/2026/QĐ-TA",
        document_date=date(2026, 2, 1), scope="both", valid_from=date(2026, 2, 1),
    )
    answer = signed_in(officer).post(f"{_url(mother)}{son.pk}/revoke/", {"reason": "The court ended it."})
    assert answer.status_code == 302
    son.refresh_from_db()
    assert son.revoked_at is not None and son.revoke_reason == "The court ended it."


def test_the_auditor_who_changes_no_customer_record_cannot_reach_the_page(auditor):
    assert signed_in(auditor).get(_url(make_subject())).status_code == 403


def test_each_revocation_form_has_its_own_labelled_reason(officer):
    mother = make_subject()
    for number in ("001090000123", "001090000456"):
        representative_record(
            actor=actor_for_user(officer), subject_id=mother.pk, full_name="Nam", id_number=number,
            relationship="Son", authority="power_of_attorney", document_reference="POA 1/2026",
            document_date=date(2026, 2, 1), scope="both", valid_from=date(2026, 2, 1),
        )
    page = parse(signed_in(officer).get(_url(mother)).content)
    reasons = [field.get("id") for field in page.find_all("input", name="reason")]
    assert len(set(reasons)) == 2
    assert all(any(label.get("for") == reason for label in page.find_all("label")) for reason in reasons)


def test_the_page_shows_the_representatives_names_and_documents_on_need_to_know_and_audits_the_view(officer):
    mother = make_subject()
    signed_in(officer).post(_url(mother), _FORM)
    client = signed_in(officer)
    masked = client.get(_url(mother)).content.decode()
    assert "Nguyễn Văn Nam" not in masked and "POA 12/2026" not in masked
    viewed = AuditEntry.objects.filter(action="core.subject.viewed", subject_id=mother.pk,
                                       actor_user_id=officer.pk)
    assert viewed.latest("sequence").data == {
        "context": "portal.representatives", "revealed": False, "reason": "",
    }
    shown = client.post(_url(mother), {"reason": "customer_present", "note": ""})
    assert shown.status_code == 200
    page = shown.content.decode()
    assert "Nguyễn Văn Nam" in page and "POA 12/2026" in page and "001090000123" not in page
    assert viewed.latest("sequence").data == {
        "context": "portal.representatives", "revealed": True, "reason": "customer_present",
    }
    assert Representative.objects.filter(subject=mother).count() == 1
