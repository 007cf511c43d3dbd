"""A son answers for his 78-year-old mother at the branch, or asks the call centre to withdraw her
marketing consent, on a power of attorney the bank recorded: staff pick him as her representative, the
record names him, and an authority revoked, expired or not covering consents is refused on the form. The
free-text authority and the guardian's path stay as they were."""

from __future__ import annotations

from datetime import date

import pytest

from audit.models import AuditEntry
from consents.models import Consent, ConsentStatus
from consents.services import consent_withdraw
from core.actors import actor_for_user
from core.errors import InvalidInput
from subjects.representatives import representative_revoke
from tests.consents.factories import grant, make_purpose
from tests.factories import make_representative, make_subject, signed_in

pytestmark = pytest.mark.django_db

BASE = {"answer_marketing": "yes", "version_marketing": "v1", "channel": "branch", "evidence": "form 12",
        "notice_given": "read_out"}


def _post(officer, subject, **fields):
    return signed_in(officer).post(f"/en/portal/customers/{subject.pk}/consents/new/", {**BASE, **fields})


def test_the_form_offers_the_representatives_in_force_for_consents_only(officer):
    make_purpose("marketing", category="marketing")
    mother = make_subject()
    son = make_representative(mother)
    lawyer = make_representative(mother, full_name="Trần Thị Lan", scope="requests")
    page = signed_in(officer).get(f"/en/portal/customers/{mother.pk}/consents/new/").content.decode()
    assert str(son.pk) in page and str(lawyer.pk) not in page


def test_a_consent_given_through_a_representative_names_them_on_its_record(officer):
    make_purpose("marketing", category="marketing")
    mother = make_subject()
    son = make_representative(mother)
    answer = _post(officer, mother, answered_by="representative", representative=str(son.pk))
    assert answer.status_code == 302
    answered = Consent.objects.get(subject=mother).snapshot["answered"]
    assert answered["representative"] == str(son.pk)
    assert answered["authority"] == son.document_reference
    entry = AuditEntry.objects.filter(action="consents.consent.granted").latest("sequence")
    assert entry.data["representative"] == str(son.pk)


@pytest.mark.parametrize("changes", [
    {"scope": "requests"},
    {"valid_until": date(2026, 1, 31)},
])
def test_an_authority_that_does_not_cover_the_day_or_the_act_is_refused_on_the_form(officer, changes):
    make_purpose("marketing", category="marketing")
    mother = make_subject()
    son = make_representative(mother, **changes)
    page = _post(officer, mother, answered_by="representative", representative=str(son.pk))
    assert page.status_code == 200
    assert "representative" in page.context["form"].errors
    assert not Consent.objects.filter(subject=mother).exists()


def test_a_revoked_authority_is_refused_on_the_form(officer):
    make_purpose("marketing", category="marketing")
    mother = make_subject()
    son = make_representative(mother)
    representative_revoke(actor=actor_for_user(officer), subject_id=mother.pk, representative_id=son.pk,
                          reason="Revoked by the customer.")
    page = _post(officer, mother, answered_by="representative", representative=str(son.pk))
    assert page.status_code == 200
    assert "revoked" in str(page.context["form"].errors["representative"])


def test_another_customers_representative_or_the_customer_herself_with_one_is_refused(officer):
    make_purpose("marketing", category="marketing")
    mother, stranger = make_subject(), make_subject()
    theirs = make_representative(stranger)
    page = _post(officer, mother, answered_by="representative", representative=str(theirs.pk))
    assert "representative" in page.context["form"].errors
    own = make_representative(mother)
    page = _post(officer, mother, answered_by="customer", representative=str(own.pk))
    assert "representative" in page.context["form"].errors
    assert not Consent.objects.filter(subject=mother).exists()


def test_a_withdrawal_asked_by_a_representative_names_them_and_refuses_one_revoked(officer):
    mother = make_subject()
    consent = grant(mother, make_purpose("marketing", category="marketing"))
    son = make_representative(mother)
    actor = actor_for_user(officer)
    representative_revoke(actor=actor, subject_id=mother.pk, representative_id=son.pk, reason="Ended.")
    with pytest.raises(InvalidInput) as refused:
        consent_withdraw(actor=actor, consent_id=consent.pk, channel="branch", evidence="form 7",
                         asked_by="representative", representative_id=son.pk)
    assert refused.value.field == "representative"
    daughter = make_representative(mother, full_name="Nguyễn Thị Hoa")
    consent_withdraw(actor=actor, consent_id=consent.pk, channel="branch", evidence="form 7",
                     asked_by="representative", representative_id=daughter.pk)
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    entry = AuditEntry.objects.filter(action="consents.consent.withdrawn").latest("sequence")
    assert (entry.data["asked_by"], entry.data["representative"]) == ("representative", str(daughter.pk))
    assert "authority" not in entry.data
    assert entry.data["document_fingerprint"] == _recorded_document(daughter)


def test_the_withdrawal_page_takes_the_representative(officer):
    mother = make_subject()
    consent = grant(mother, make_purpose("marketing", category="marketing"))
    son = make_representative(mother)
    page = signed_in(officer).get(f"/en/portal/consents/{consent.pk}/withdraw/").content.decode()
    assert str(son.pk) in page
    answer = signed_in(officer).post(f"/en/portal/consents/{consent.pk}/withdraw/", {
        "channel": "branch", "evidence": "form 9", "asked_by": "representative",
        "representative": str(son.pk),
    })
    assert answer.status_code == 302
    entry = AuditEntry.objects.filter(action="consents.consent.withdrawn").latest("sequence")
    assert entry.data["representative"] == str(son.pk)


def _recorded_document(son) -> str:
    return AuditEntry.objects.get(action="core.subject.representative_recorded",
                                  target_id=str(son.pk)).data["document_fingerprint"]


def test_the_acts_audit_entries_prove_the_document_without_its_reference_or_the_name(officer):
    make_purpose("marketing", category="marketing")
    mother = make_subject()
    son = make_representative(mother, document_reference="POA 77/2026, Notary Office No. 9")
    _post(officer, mother, answered_by="representative", representative=str(son.pk))
    consent_withdraw(actor=actor_for_user(officer), consent_id=Consent.objects.get(subject=mother).pk,
                     channel="branch", evidence="form 7", asked_by="representative", representative_id=son.pk)
    for action in ("consents.consent.granted", "consents.consent.withdrawn"):
        entry = AuditEntry.objects.filter(action=action, subject_id=mother.pk).latest("sequence")
        assert "POA 77" not in str(entry.data) and "Nam" not in str(entry.data)
        assert entry.data["representative"] == str(son.pk)
        assert entry.data["document_fingerprint"] == _recorded_document(son)
