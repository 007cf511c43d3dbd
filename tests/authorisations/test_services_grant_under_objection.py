"""No new authorisation while the customer's objection or restriction covering disclosure to third parties
is in force: the rule that pauses the customer's existing authorisations (`services.rights`) and keeps
them paused (`moves.resume`) refuses a new one too (409, nothing written), on the consent screen before
any code is issued and in the grant itself."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation
from oauth2_provider.models import get_grant_model

from audit.models import AuditEntry
from authorisations.models import Authorisation
from authorisations.services import lifecycle
from core.errors import Conflict
from dsr import services as dsr_services
from tests.authorisations.factories import (
    REDIRECT_URI,
    authorise,
    consent_screen,
    objection_in_force,
    register,
)
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, verified_request

GRANTED = "authorisations.authorisation.granted"


def _refused(customer, registration) -> Conflict:
    """The grant refused, and nothing of it written."""
    granted_before = AuditEntry.objects.filter(action=GRANTED).count()
    with pytest.raises(Conflict) as refused:
        authorise(customer, registration=registration)
    assert not Authorisation.objects.filter(third_party=registration.third_party, status="active").exists()
    assert AuditEntry.objects.filter(action=GRANTED).count() == granted_before
    return refused.value


def test_an_objection_in_force_refuses_a_new_authorisation(customer1):
    subject = customer1.customer_account.subject
    registration = register(legal_name="Công ty Kế toán Số")
    objection = objection_in_force(subject)

    refusal = _refused(customer1, registration)

    assert (refusal.code, refusal.status) == ("objection_in_force", 409)
    with translation.override("en"):
        english = refusal.text
    with translation.override("vi"):
        vietnamese = refusal.text
    assert "Công ty Kế toán Số" in english and "lift the objection" in english
    assert "Công ty Kế toán Số" in vietnamese and vietnamese != english
    # Lifted, the objection no longer stands in the way.
    dsr_services.request_restriction_lift(actor=STAFF, request_id=objection.pk, reason="customer_asked")
    assert authorise(customer1, registration=registration).status == "active"


def test_a_refused_grant_leaves_the_authorisation_the_objection_paused_as_it_was(customer1):
    """A grant replaces a live authorisation of the same third party: refused, it replaces nothing."""
    subject = customer1.customer_account.subject
    registration = register()
    paused = authorise(customer1, registration=registration)
    objection_in_force(subject)

    _refused(customer1, registration)

    paused.refresh_from_db()
    assert (paused.status, paused.pause_reason) == ("paused", "dsr")


def test_a_restriction_in_force_covering_disclosure_refuses_it_too(customer1):
    subject = customer1.customer_account.subject
    verified_request(subject, type="restrict", now=timezone.now())

    refusal = _refused(customer1, register())

    assert refusal.code == "restriction_in_force"
    with translation.override("en"):
        assert "lift the restriction" in refusal.text


def test_an_objection_to_another_kind_of_purpose_refuses_nothing(customer1):
    subject = customer1.customer_account.subject
    grant(subject, make_purpose("newsletter", category="marketing"))
    objection_in_force(subject, purposes=["newsletter"])

    assert authorise(customer1).status == "active"


def test_an_objection_put_in_force_after_the_terms_were_checked_still_refuses_the_grant(
    customer1, monkeypatch
):
    """The terms are checked before the transaction opens; the grant decides again once it holds the
    customer, whose row an objection's verification holds while it puts the objection in force."""
    subject = customer1.customer_account.subject
    registration = register()
    terms_check = lifecycle.authorisation_terms_check

    def objection_comes_in_force_then(**terms):
        terms_check(**terms)
        objection_in_force(subject)

    monkeypatch.setattr(lifecycle, "authorisation_terms_check", objection_comes_in_force_then)

    assert _refused(customer1, registration).code == "objection_in_force"


def test_the_consent_screen_says_so_and_issues_no_code(customer1, browser1, registration):
    subject = customer1.customer_account.subject
    objection_in_force(subject)

    with translation.override("en"):
        page, fields = consent_screen(browser1, registration)
    assert page.status_code == 403
    words = page.content.decode()
    assert 'data-testid="refusal"' in words and 'data-testid="approve"' not in words
    assert page.context["refusal"].code == "objection_in_force"
    assert page.context["refusal"].text in words.replace("&#x27;", "'")
    assert registration.third_party.legal_name in page.context["refusal"].text

    approved = browser1.post("/oauth/authorize/", {**fields, "allow": "on", "duration_days": 30})
    assert approved.status_code == 403
    assert not get_grant_model().objects.exists()
    assert not Authorisation.objects.filter(subject=subject).exists()
    declined = browser1.post("/oauth/authorize/", fields)
    assert declined.status_code == 302
    assert declined["Location"].startswith(REDIRECT_URI) and "error=access_denied" in declined["Location"]
