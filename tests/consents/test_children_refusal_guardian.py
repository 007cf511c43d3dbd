"""A "no" may be recorded without a guardian (docs/consents.md: children's rules do not apply to a no),
but the person a refusal names as the child's guardian must be the child's guardian: the receipt and the
regulator's proof bundle show them as the one who answered for the child, and their own access export
then lists the child's answer."""

from __future__ import annotations

import pytest

from consents.models import Consent
from consents.services import GrantRequest, consent_refuse
from core.errors import Conflict, InvalidInput
from tests.consents.factories import IMPORTED_ON, STAFF, child_of, import_csv, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def refuse(subject, purpose, **fields):
    request = GrantRequest(subject=subject, purpose=purpose, notice_version="v1", channel="branch",
                           evidence="form-2026-002", **fields)
    return consent_refuse(actor=STAFF, request=request)


def test_api_refuses_a_refusal_naming_someone_who_is_not_the_childs_guardian(as_user, officer):
    make_purpose("group-sharing", category="sharing")
    stranger = make_subject()
    child = child_of(make_subject(), age=10)

    answer = as_user(officer).post("/api/v1/consents/", {
        "subject": child.external_ref, "purpose": "group-sharing", "notice_version": "v1",
        "channel": "branch", "evidence": "form-2026-001", "guardian": stranger.external_ref,
        "outcome": "refused",
    }, format="json")

    assert answer.status_code == 400 and "guardian" in answer.json(), answer.json()
    assert not Consent.objects.filter(guardian=stranger).exists()


def test_import_refuses_a_refusal_row_naming_someone_who_is_not_the_childs_guardian():
    make_purpose("group-sharing", category="sharing")
    stranger = make_subject()
    child = child_of(make_subject(), age=10)

    run = import_csv(
        "subject,purpose,notice_version,channel,evidence,granted_at,guardian,outcome\n"
        f"{child.external_ref},group-sharing,v1,paper_form,scan-1,{IMPORTED_ON},{stranger.external_ref},refused\n"
    )

    assert (run.refusals_recorded, run.refused) == (0, 1)
    assert not Consent.objects.filter(guardian=stranger).exists()


def test_a_refusal_naming_the_registered_guardian_needs_their_authority_verified():
    purpose = make_purpose("group-sharing", category="sharing")
    parent = make_subject()
    child = child_of(parent, age=10, verified=False)

    with pytest.raises(Conflict) as refused:
        refuse(child, purpose, guardian=parent)

    assert refused.value.code == "guardian_unverified"
    assert not Consent.objects.filter(subject=child).exists()


def test_a_refusal_names_the_verified_guardian_or_no_one():
    purpose = make_purpose("group-sharing", category="sharing")
    parent = make_subject()
    child = child_of(parent, age=10)
    other = child_of(parent, age=12)

    with_guardian = refuse(child, purpose, guardian=parent)
    alone = refuse(other, purpose)  # a "no" needs no guardian

    assert (with_guardian.status, with_guardian.guardian_id) == ("refused", parent.pk)
    assert (alone.status, alone.guardian_id) == ("refused", None)


def test_a_guardian_cannot_refuse_for_a_customer_of_sixteen_or_over():
    purpose = make_purpose("group-sharing", category="sharing")
    parent = make_subject()
    grown = child_of(parent, age=17)

    with pytest.raises(InvalidInput) as refused:
        refuse(grown, purpose, guardian=parent)

    assert refused.value.field == "guardian" and "16" in refused.value.text
