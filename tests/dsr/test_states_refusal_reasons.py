"""A refusal's or a partial answer's legal reason fits the request (`dsr.states.REASON_FITS`): a retention
law answers only a verified deletion, in part, under a law the inventory keeps its data by; a failed
identity check only an unverified requester; a legal prohibition only a verified one. The service
refuses a misfit (400 on `reason`), the API and the staff page say why, and the page offers only the
reasons that fit (`dsr.selectors.request_refusal_reasons`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.actors import actor_for_user
from core.errors import InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest, DeletionRecord, LegalHold, RequestExport
from dsr.selectors import request_refusal_reasons
from dsr.selectors.reasons import request_reason_refusal
from dsr.states import RequestStatus
from tests.dsr.factories import (
    STAFF,
    approved_deletion,
    by_document,
    make_held_system,
    make_inventory,
    make_request,
    make_request_rule,
    verified_request,
)

pytestmark = pytest.mark.django_db

S = RequestStatus


def _approved_deletion(subject, privacy_officer, dpo):
    worker = actor_for_user(privacy_officer)
    return approved_deletion(subject, worker=worker, approver=actor_for_user(dpo)), worker


def _refused_on_reason(call):
    with pytest.raises(InvalidInput) as error:
        call()
    assert error.value.field == "reason"
    with translation.override("en"):
        return error.value.text


@pytest.mark.parametrize("reason", ["aml_retention", "other_retention", "legal_prohibition"])
def test_an_unverified_requester_is_not_told_what_a_law_keeps_or_forbids(subject, reason):
    make_inventory()
    request = make_request(subject, type="delete")
    _refused_on_reason(lambda: services.request_reject(actor=STAFF, request_id=request.pk, reason=reason))
    request.refresh_from_db()
    assert (request.status, request.outcome_reason) == (S.RECEIVED, "")
    assert not request.status_changes.filter(new_status=S.REJECTED).exists()


@pytest.mark.parametrize("reason", ["identity_not_verified", "manifestly_unfounded"])
def test_an_unverified_request_is_refused_for_what_fits_it(subject, reason):
    request = make_request(subject, type="delete")
    refused = services.request_reject(actor=STAFF, request_id=request.pk, reason=reason, note="Lặp lại.")
    assert (refused.status, refused.outcome_reason) == (S.REJECTED, reason)


@pytest.mark.parametrize("reason", ["aml_retention", "other_retention"])
def test_a_retention_law_is_no_ground_to_refuse_access(subject, reason):
    request = verified_request(subject, type="access")
    _refused_on_reason(lambda: services.request_reject(actor=STAFF, request_id=request.pk, reason=reason))
    _refused_on_reason(
        lambda: services.request_complete(actor=STAFF, request_id=request.pk, partial=True, reason=reason)
    )
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS and not RequestExport.objects.filter(request=request).exists()


def test_a_verified_identity_is_not_refused_as_unverified(subject):
    request = verified_request(subject, type="access")
    _refused_on_reason(
        lambda: services.request_reject(actor=STAFF, request_id=request.pk, reason="identity_not_verified")
    )
    refused = services.request_reject(actor=STAFF, request_id=request.pk, reason="legal_prohibition")
    assert refused.outcome_reason == "legal_prohibition"


def test_a_retention_law_does_not_refuse_a_deletion_outright(subject):
    """What no law keeps is erased, what a law keeps is held: a partial answer, never a refusal that
    erases nothing and holds nothing."""
    make_inventory()
    request = verified_request(subject, type="delete")
    _refused_on_reason(
        lambda: services.request_reject(actor=STAFF, request_id=request.pk, reason="aml_retention")
    )
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    assert not DeletionRecord.objects.exists() and not LegalHold.objects.exists()


def test_a_partial_deletion_names_a_law_the_inventory_keeps_its_data_by(subject, privacy_officer, dpo):
    # The inventory keeps this customer's data under anti-money-laundering law only.
    make_inventory()
    request, worker = _approved_deletion(subject, privacy_officer, dpo)
    confirmed_by_systems = DeletionRecord.objects.count()
    message = _refused_on_reason(
        lambda: services.request_complete(
            actor=worker, request_id=request.pk, partial=True, reason="other_retention"
        )
    )
    assert "inventory" in message
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    assert DeletionRecord.objects.count() == confirmed_by_systems and not LegalHold.objects.exists()
    done = services.request_complete(
        actor=worker, request_id=request.pk, partial=True, reason="aml_retention"
    )
    assert (done.status, done.outcome_reason) == (S.PARTIALLY_COMPLETED, "aml_retention")
    assert LegalHold.objects.filter(request=request, law="aml").exists()


def test_a_deletion_nothing_is_kept_for_gives_no_retention_reason(subject, privacy_officer, dpo):
    make_held_system(code="complaints", name="Complaints", category="complaints",
                     rule=make_request_rule(STAFF, months=12))
    request, worker = _approved_deletion(subject, privacy_officer, dpo)
    partial = request_refusal_reasons(request, to=S.PARTIALLY_COMPLETED)
    assert "other_retention" in partial and "aml_retention" not in partial
    _refused_on_reason(
        lambda: services.request_complete(
            actor=worker, request_id=request.pk, partial=True, reason="aml_retention"
        )
    )


def test_the_reasons_offered_are_those_that_fit(subject, privacy_officer, dpo):
    make_inventory()
    unverified = make_request(subject, type="delete")
    assert request_refusal_reasons(unverified, to=S.REJECTED) == [
        "manifestly_unfounded", "identity_not_verified", "other",
    ]
    access = verified_request(subject, type="access")
    assert request_refusal_reasons(access, to=S.REJECTED) == [
        "manifestly_unfounded", "legal_prohibition", "other",
    ]
    assert request_refusal_reasons(access, to=S.PARTIALLY_COMPLETED) == [
        "manifestly_unfounded", "legal_prohibition", "other",
    ]
    deletion, _worker = _approved_deletion(subject, privacy_officer, dpo)
    assert request_refusal_reasons(deletion, to=S.REJECTED) == [
        "manifestly_unfounded", "legal_prohibition", "other",
    ]
    assert request_refusal_reasons(deletion, to=S.PARTIALLY_COMPLETED) == [
        "aml_retention", "manifestly_unfounded", "legal_prohibition", "other",
    ]


def test_the_api_refuses_a_reason_that_does_not_fit_with_a_400_on_reason(as_user, privacy_officer, subject):
    make_inventory()
    request = make_request(subject, type="delete")
    client = as_user(privacy_officer)
    base = f"/api/v1/requests/{request.pk}/"
    response = client.post(base + "reject/", {"reason": "aml_retention"}, format="json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["reason"] and response.json()["reason"][0]
    assert DataSubjectRequest.objects.get(pk=request.pk).status == S.RECEIVED
    client.post(base + "verify-identity/", by_document(subject), format="json")
    response = client.post(base + "reject/", {"reason": "aml_retention"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_the_api_lists_the_reasons_that_fit_each_closing_action(as_user, privacy_officer, dpo, subject):
    """A caseworker's tool offers what the staff page offers: the reasons that fit rejecting the request
    and a partial answer, only for the closing actions the caller may take now."""
    make_inventory()
    unverified = make_request(subject, type="delete")
    detail = as_user(privacy_officer).get(f"/api/v1/requests/{unverified.pk}/").json()
    assert "reject" in detail["allowed_actions"]
    assert detail["refusal_reasons"]["reject"] == ["manifestly_unfounded", "identity_not_verified", "other"]
    deletion, _worker = _approved_deletion(subject, privacy_officer, dpo)
    detail = as_user(privacy_officer).get(f"/api/v1/requests/{deletion.pk}/").json()
    assert detail["refusal_reasons"] == {
        action: request_refusal_reasons(deletion, to=to)
        for action, to in (("complete", S.PARTIALLY_COMPLETED), ("reject", S.REJECTED))
        if action in detail["allowed_actions"]
    }
    assert detail["refusal_reasons"]["complete"][0] == "aml_retention"
    services.request_reject(actor=STAFF, request_id=unverified.pk, reason="other", note="duplicate")
    assert as_user(privacy_officer).get(f"/api/v1/requests/{unverified.pk}/").json()["refusal_reasons"] == {}


def _select(page: str, form_id: str) -> str:
    """The HTML of the reason <select> of the form whose id is `form_id`."""
    form = page[page.index(f'id="{form_id}"'):]
    select = form[form.index("<select"):]
    return select[: select.index("</select>")]


def test_the_staff_page_offers_and_accepts_only_the_reasons_that_fit(client, privacy_officer, subject):
    make_inventory()
    request = make_request(subject, type="delete", actor=actor_for_user(privacy_officer))
    client.force_login(privacy_officer)
    with translation.override("en"):
        page_url = reverse("dsr:detail", args=[request.pk])
        url = reverse("dsr:act", args=[request.pk, "reject"])
    page = client.get(page_url).content.decode()
    offered = _select(page, "refuse")
    assert 'value="identity_not_verified"' in offered and 'value="manifestly_unfounded"' in offered
    assert 'value="aml_retention"' not in offered and 'value="legal_prohibition"' not in offered
    response = client.post(url, {"reason": "aml_retention", "note": "AML", "confirmed": "1"})
    assert response.status_code == 400
    refuse = response.content.decode()
    refuse = refuse[refuse.index('id="refuse"'):]
    assert 'data-testid="error-summary"' in refuse and "A retention law answers only a deletion" in refuse
    assert DataSubjectRequest.objects.get(pk=request.pk).status == S.RECEIVED


def test_the_reasons_offered_read_the_requester_and_the_held_parts_once(subject, privacy_officer, dpo):
    """Offering every reason that fits costs what judging the one that reads the most costs: whether the
    requester is verified and what the inventory holds are read once, not once per reason."""
    make_inventory()
    deletion, _worker = _approved_deletion(subject, privacy_officer, dpo)
    with CaptureQueriesContext(connection) as one:
        request_reason_refusal(deletion, to=S.PARTIALLY_COMPLETED, reason="aml_retention")
    with CaptureQueriesContext(connection) as every:
        request_refusal_reasons(deletion, to=S.PARTIALLY_COMPLETED)
    assert len(every) == len(one)
