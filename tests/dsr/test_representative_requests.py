"""A son files an access request for his mother at the branch on the power of attorney the bank recorded:
staff give his identity number, the request names him as her representative, and an authority that does
not cover requests, is revoked or expired is refused on the form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import InvalidInput
from dsr.models import DataSubjectRequest
from dsr.services import request_create
from subjects.representatives import representative_revoke
from tests.factories import make_representative, make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db
URL = "/en/portal/requests/new/"


def _post(client, subject, **fields):
    form = {**hidden_fields(client.get(URL).content), "subject_ref": subject.external_ref, "type": "access",
            "channel": "branch", **fields}
    return client.post(URL, form)


def test_a_request_filed_by_a_representative_names_them(officer):
    mother = make_subject()
    son = make_representative(mother, scope="requests")
    answer = _post(signed_in(officer), mother, representative_id_number="0010 9000 0123")
    assert answer.status_code == 302
    request = DataSubjectRequest.objects.get(subject=mother)
    assert request.representative == son
    entry = AuditEntry.objects.get(action="dsr.request.received", subject_id=mother.pk)
    assert entry.data["representative"] == str(son.pk)


@pytest.mark.parametrize("number, scope", [("001090000123", "consents"), ("079000000999", "both")])
def test_an_authority_not_covering_requests_or_unknown_is_refused_on_the_form(officer, number, scope):
    mother = make_subject()
    make_representative(mother, scope=scope)
    page = _post(signed_in(officer), mother, representative_id_number=number)
    assert page.status_code == 200
    assert "representative_id_number" in page.context["form"].errors
    assert not DataSubjectRequest.objects.filter(subject=mother).exists()


def test_a_revoked_authority_files_nothing(officer):
    mother = make_subject()
    son = make_representative(mother, scope="both")
    actor = actor_for_user(officer)
    representative_revoke(actor=actor, subject_id=mother.pk, representative_id=son.pk, reason="Ended.")
    with pytest.raises(InvalidInput) as refused:
        request_create(actor=actor, subject=mother, type="access", channel="branch",
                       representative_id_number="001090000123")
    assert refused.value.field == "representative_id_number"
    assert not DataSubjectRequest.objects.filter(subject=mother).exists()


def test_a_request_received_before_the_revocation_and_typed_in_after_it_names_the_representative(officer):
    mother = make_subject()
    son = make_representative(mother, scope="requests")
    actor = actor_for_user(officer)
    revoked = representative_revoke(actor=actor, subject_id=mother.pk, representative_id=son.pk,
                                    reason="Ended.")
    request = request_create(actor=actor, subject=mother, type="access", channel="branch",
                             representative_id_number="001090000123",
                             received_at=revoked.revoked_at - timedelta(days=2))
    assert request.representative == son


def test_the_request_pages_name_the_representative_masked_for_staff_until_a_reason(
    privacy_officer, customer_a
):
    mother = customer_a.customer_account.subject
    son = make_representative(mother, scope="requests", document_reference="POA 31/2026, Notary No. 2")
    request = request_create(actor=actor_for_user(privacy_officer), subject=mother, type="access",
                             channel="branch", representative_id_number="001090000123")
    staff = signed_in(privacy_officer)
    masked = staff.get(f"/en/portal/requests/{request.pk}/").content.decode()
    named = masked.split('data-testid="representative"', 1)[1].split("</dd>", 1)[0]
    assert "N*** V*** N***" in named and "Power of attorney" in named and "POA 31" not in named
    shown = staff.post(f"/en/portal/requests/{request.pk}/",
                       {"access-reason": "request", "access-note": request.reference}).content.decode()
    named = shown.split('data-testid="representative"', 1)[1].split("</dd>", 1)[0]
    assert son.full_name in named and "POA 31/2026, Notary No. 2" in named
    own = signed_in(customer_a).get(f"/en/me/requests/{request.pk}/").content.decode()
    assert f"Filed by your representative {son.full_name}" in own
