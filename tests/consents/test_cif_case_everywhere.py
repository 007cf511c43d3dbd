"""A customer number (CIF) typed in lower case is the same customer on every path that takes one
(docs/security.md: "every look-up (the portal's, `subject` in the API, `?external_ref=`) finds the customer
whichever case was typed"). Recording a consent with "cif0000901" works (subject_for_ref); the consent
check (now, as it stood, and in bulk), the list filter and the consent import, which take the same
`subject`, must find the customer too, by the one rule: the customer stored as typed first, else the
upper-case one (a row left in lower case beside its upper-case twin by subjects 0003 is found as typed)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from consents.selectors import consent_check, consent_check_as_of, consent_check_bulk
from consents.services import consents_import_csv
from core.actors import Actor
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _grant_lower(api):
    response = api.post("/api/v1/consents/", {
        "subject": "cif0000901", "purpose": "marketing", "notice_version": "v1", "channel": "branch",
        "evidence": "form-2026-901",
    }, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


# The numbers named here (CIFX...) are outside the factory's CIF0000001, CIF0000002...: a customer the
# factory makes in the same test can never be given one of them.
def _twins():
    """CIFX000910 and, left in lower case beside it by subjects 0003, cifx000910: two customers."""
    upper = make_subject(external_ref="CIFX000910")
    lower = make_subject()
    DataSubject.objects.filter(pk=lower.pk).update(external_ref="cifx000910")
    lower.refresh_from_db()
    return upper, lower


def test_the_consent_check_finds_the_customer_a_lower_case_cif_recorded_a_consent_for(as_user, client_user):
    make_purpose("marketing", category="marketing")
    make_subject(external_ref="CIF0000901")
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    consent = _grant_lower(api)
    check = api.get("/api/v1/consent-check/", {"subject": "cif0000901", "purpose": "marketing"})
    assert check.status_code == 200, check.json()
    assert (check.json()["allowed"], check.json()["consent"]) == (True, consent["id"])


def test_the_check_is_still_one_query_for_a_lower_case_cif(django_assert_num_queries):
    consent = grant(make_subject(external_ref="CIFX000903"), make_purpose("marketing", category="marketing"))
    consent_check(subject_ref="CIFX000903", purpose_code="marketing")  # warm the catalogue cache
    with django_assert_num_queries(1):
        result = consent_check(subject_ref=" cifx000903 ", purpose_code="marketing")
    assert (result.allowed, result.consent) == (True, consent.pk)


def test_the_check_as_it_stood_finds_the_customer_by_a_lower_case_cif():
    consent = grant(make_subject(external_ref="CIFX000904"), make_purpose("marketing", category="marketing"))
    result = consent_check_as_of(subject_ref="cifx000904", purpose_code="marketing", at=timezone.now())
    assert (result.allowed, result.consent) == (True, consent.pk)


def test_the_bulk_check_answers_each_cif_as_it_was_typed():
    marketing = make_purpose("marketing", category="marketing")
    grant(make_subject(external_ref="CIFX000905"), marketing)
    make_subject(external_ref="CIFX000906")
    answers = consent_check_bulk(
        purpose_code="marketing", subject_refs=["cifx000905", "CIFX000905", "cifx000906", "cif-none"]
    )
    assert list(answers) == ["cifx000905", "CIFX000905", "cifx000906", "cif-none"]
    assert (answers["cifx000905"].reason, answers["CIFX000905"].reason) == ("granted", "granted")
    assert answers["cifx000906"].reason == "no_consent"
    assert answers["cif-none"] is None


def test_every_check_finds_the_customer_stored_as_typed_before_the_upper_case_twin():
    marketing = make_purpose("marketing", category="marketing")
    upper, lower = _twins()
    consent = grant(upper, marketing)
    now = timezone.now()
    assert consent_check(subject_ref="CIFX000910", purpose_code="marketing").consent == consent.pk
    assert consent_check(subject_ref="cifx000910", purpose_code="marketing").reason == "no_consent"
    as_of = consent_check_as_of(subject_ref="cifx000910", purpose_code="marketing", at=now)
    assert as_of.reason == "no_consent"
    answers = consent_check_bulk(purpose_code="marketing", subject_refs=["cifx000910", "CIFX000910"])
    assert (answers["cifx000910"].reason, answers["CIFX000910"].reason) == ("no_consent", "granted")


def test_the_consent_list_filter_finds_a_consent_by_the_lower_case_cif_it_was_recorded_with(
    as_user, client_user
):
    make_purpose("marketing", category="marketing")
    make_subject(external_ref="CIF0000901")
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    consent = _grant_lower(api)
    listed = api.get("/api/v1/consents/", {"subject": "cif0000901"}).json()
    assert [c["id"] for c in listed["results"]] == [consent["id"]]


def test_the_list_filter_lists_the_customer_stored_as_typed_before_the_upper_case_twin(as_user, client_user):
    marketing = make_purpose("marketing", category="marketing")
    upper, lower = _twins()
    of_upper, of_lower = grant(upper, marketing), grant(lower, marketing)
    api = as_user(client_user, scopes=["consents:read"])
    listed = {
        ref: [c["id"] for c in api.get("/api/v1/consents/", {"subject": ref}).json()["results"]]
        for ref in ("cifx000910", "CIFX000910", "Cifx000910")
    }
    assert listed == {
        "cifx000910": [str(of_lower.pk)], "CIFX000910": [str(of_upper.pk)], "Cifx000910": [str(of_upper.pk)]
    }


def test_an_import_row_with_a_lower_case_cif_is_imported_for_the_customer():
    make_purpose("marketing", category="marketing")
    subject = make_subject(external_ref="CIF0000902")
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    lines = io.StringIO(
        "subject,purpose,notice_version,channel,evidence,granted_at\n"
        f"cif0000902,marketing,v1,paper_form,scan-902,{day}\n"
    ).readlines()
    run = consents_import_csv(actor=Actor.system("tests"), lines=lines, filename="lower.csv")
    assert (run.imported, run.refused) == (1, 0), run.errors
    assert subject.consents.count() == 1
