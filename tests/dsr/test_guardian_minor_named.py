"""A guardian who is a minor (under 18 by their date of birth, or under guardianship themselves) acts
for no ward (Civil Code 2015 Art. 49). The officer is told exactly that, in their language, where they
act: on the request's page and its verification, and on the child's record when verifying the
guardian's authority; never "verify the guardian's authority first", which they cannot."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import Conflict, InvalidInput
from dsr.selectors import request_guardian_notice
from subjects import services as subject_services
from subjects.children import GUARDIAN_MINOR, guardian_not_acting
from tests.consents.factories import child_of
from tests.dsr.test_identity_guardian_authority import SYSTEM, filed_by, verify
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _fifteen_years_ago() -> date:
    return date(timezone.localdate().year - 15, 1, 1)


def _stored_minor(guardian) -> None:
    """A date of birth under 18 stored as it stood before the rule (no correction ran): the bank's
    verification of the guardian's authority still stands on the record."""
    guardian.date_of_birth = _fifteen_years_ago()
    guardian.save(update_fields=["date_of_birth"])


def test_a_request_filed_by_a_guardian_now_known_to_be_a_minor_says_so(customer_a, client, privacy_officer):
    guardian = customer_a.customer_account.subject
    child = child_of(guardian, age=10)
    request = filed_by(guardian, child, type="access")
    _stored_minor(guardian)
    child.refresh_from_db()

    assert guardian_not_acting(child, guardian, on=timezone.localdate()) == GUARDIAN_MINOR
    with pytest.raises(Conflict) as refused:
        verify(request, guardian.national_id)
    assert refused.value.code == "guardian_minor"
    with translation.override("en"):
        assert "is a minor" in refused.value.text and "another guardian" in refused.value.text
        assert "Verify the guardian" not in refused.value.text
    with translation.override("vi"):
        assert "chưa thành niên" in refused.value.text
    client.force_login(privacy_officer)
    with translation.override("en"):
        page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="guardian-authority"' in page and "is a minor" in page
    request.refresh_from_db()
    assert "Verify the guardian" not in request_guardian_notice(request)


def test_verifying_the_authority_of_a_guardian_under_eighteen_names_the_cause():
    guardian = make_subject()
    child = child_of(guardian, age=5, verified=False)
    _stored_minor(guardian)

    with pytest.raises(InvalidInput) as refused:
        subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=child.pk, evidence="birth-cert-2")

    assert (refused.value.code, refused.value.field) == ("guardian_minor", "guardian")
    with translation.override("en"):
        assert "under 18" in refused.value.text and "another guardian" in refused.value.text
    with translation.override("vi"):
        assert "dưới 18 tuổi" in refused.value.text and "người giám hộ khác" in refused.value.text


def test_verifying_the_authority_of_a_guardian_under_guardianship_names_the_cause():
    guardian = make_subject()
    child = child_of(guardian, age=5, verified=False)
    # Placed under guardianship on a record kept before the rule (no correction ran).
    guardian.guardian = make_subject()
    guardian.save(update_fields=["guardian"])

    with pytest.raises(InvalidInput) as refused:
        subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=child.pk, evidence="birth-cert-2")

    assert (refused.value.code, refused.value.field) == ("guardian_minor", "guardian")
    with translation.override("en"):
        assert "under guardianship" in refused.value.text and "another guardian" in refused.value.text


def test_a_minor_guardian_cannot_file_for_the_child(customer_a):
    guardian = customer_a.customer_account.subject
    child = child_of(guardian, age=10)
    _stored_minor(guardian)

    with pytest.raises(InvalidInput) as refused:
        filed_by(guardian, child, type="access")

    assert (refused.value.code, refused.value.field) == ("guardian_minor", "guardian")


def test_the_api_puts_the_message_on_the_guardian_field(as_user, privacy_officer):
    guardian = make_subject()
    child = child_of(guardian, age=5, verified=False)
    _stored_minor(guardian)

    answer = as_user(privacy_officer).post(
        f"/api/v1/subjects/{child.pk}/verify-guardian/", {"evidence": "birth-cert-2"},
        format="json", HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert answer.status_code == 400
    assert "người giám hộ khác" in answer.json()["guardian"][0]
