"""A revocation's reason the customer's deletion erased reads, on the proof bundle's printable page, as
the one sentence in the reader's language (`core.erased.ERASED_SHOWN`); the bundle's JSON, which is
hashed and read by programs, keeps the stored marker (docs/requests.md)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from authorisations import services
from authorisations.services.erasure import authorisation_reasons_erase
from core.actors import actor_for_user
from core.erased import REASON_ERASED
from regulator.proof_bundle import proof_bundle
from tests.authorisations.factories import authorise
from tests.dsr.factories import STAFF

pytestmark = pytest.mark.django_db

SHOWN = {"vi": "Đã xóa theo yêu cầu của khách hàng", "en": "Erased at the customer's request"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_proof_bundles_page_reads_an_erased_revoke_reason_as_the_sentence(customer1, language):
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1)
    services.authorisation_revoke(
        actor=actor_for_user(customer1), authorisation_id=authorisation.pk, subject=subject,
        channel="internet_banking", reason="Tôi không còn dùng ứng dụng này",
    )
    assert authorisation_reasons_erase(subject_id=subject.pk) == 1
    bundle = proof_bundle(subject, generated_by=STAFF)
    (section,) = bundle["authorisations"]
    assert [e["reason"] for e in section["events"] if e["kind"] == "revoked"] == [REASON_ERASED]
    with translation.override(language):
        page = render_to_string("regulator/proof_bundle.html", {"bundle": bundle})
    page = re.sub(r"\s+", " ", page).replace("&#x27;", "'")
    assert REASON_ERASED not in page
    assert SHOWN[language] in page
