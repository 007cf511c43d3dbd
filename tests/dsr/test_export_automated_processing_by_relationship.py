"""Follow-up review: the access export's `automated_processing` listed every active purpose that profiles or
decides by automated means on another basis than consent, whatever the person is to the bank: a prospect
or a guarantor was told a credit score runs under a loan contract they are no party to. A purpose on a
contract is listed for customers only; one the law requires (anti-money-laundering screening) for anyone."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dsr.services.exports import export_content
from subjects.models import SubjectRelationship
from tests.consents.factories import make_purpose
from tests.dsr.factories import verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    make_purpose("credit-scoring", legal_basis="contract", automated_processing="automated_decision")
    make_purpose(
        "aml-screening", legal_basis="legal_obligation", category="compliance",
        automated_processing="profiling",
    )


def _listed(subject) -> list[str]:
    content = export_content(verified_request(subject, type="access"), now=timezone.now())
    return [entry["purpose"] for entry in content["automated_processing"]]


@pytest.mark.parametrize(
    "relationship", [SubjectRelationship.PROSPECT, SubjectRelationship.GUARANTOR, SubjectRelationship.PAYEE]
)
def test_a_person_who_is_not_a_customer_is_not_listed_a_contracts_processing(catalogue, relationship):
    person = make_subject(relationship=relationship, external_ref="")

    assert _listed(person) == ["aml-screening"]


def test_a_customer_is_listed_both(catalogue):
    assert _listed(make_subject()) == ["aml-screening", "credit-scoring"]
