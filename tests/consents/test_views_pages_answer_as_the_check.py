"""The consent pages answer as the consent check does. Whether the bank may process a customer's data for
a purpose now is the check's answer (`consent_check`): a restriction, an objection or a legal hold in
force stops it whatever the consent, an expired consent or one given to a notice since widened no longer
counts. The customer's switches and the staff member's list of live consents must say the same, and say
why, never "on" where the check says no."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.selectors import consent_check
from tests.consents.factories import SYSTEM, announce_on_time, grant, make_purpose, publish_notice
from tests.factories import signed_in
from tests.html_tree import parse
from tests.pages import translated

pytestmark = pytest.mark.django_db

WHY_FOR_CUSTOMER = {
    "restricted": "Paused: you asked the bank to restrict this processing.",
    "objected": "Stopped: you objected to this processing.",
    "legal_hold": "Paused: your data is kept under a legal hold and serves only that legal obligation.",
}
RESTRICTION_KINDS = {"restrict": "restricted", "object": "objected", "legal_hold": "legal_hold"}


def _card(client, code: str, *, language: str = "en"):
    prefix = "/en" if language == "en" else ""
    page = parse(client.get(f"{prefix}/me/consents/").content)
    card = page.find("article", **{"data-testid": f"purpose-{code}"})
    assert card is not None, f"no card for {code}"
    return card


def _restrict(subject, kind: str, *, purposes=None) -> None:
    services.restrictions_apply(actor=SYSTEM, subject=subject, purposes=purposes, kind=kind, source="dsr:1")


def _reason(subject, code: str) -> str:
    return consent_check(subject_ref=subject.external_ref, purpose_code=code).reason


@pytest.mark.parametrize("kind", RESTRICTION_KINDS)
def test_a_consent_stopped_by_a_restriction_is_not_shown_on_and_says_why(customer_a, kind):
    subject = customer_a.customer_account.subject
    marketing = make_purpose("marketing", category="marketing")
    grant(subject, marketing)
    _restrict(subject, kind)
    client = signed_in(customer_a)

    assert _reason(subject, "marketing") == RESTRICTION_KINDS[kind]
    card = _card(client, "marketing")
    state = card.find(id="purpose-marketing-state").text()
    assert state != "On: you agreed"
    assert state == "You agreed, but the bank does not use it now"
    assert WHY_FOR_CUSTOMER[RESTRICTION_KINDS[kind]] in card.text()
    # The consent stands: the switch stays where the customer put it, and moving it withdraws.
    assert card.find("input", type="checkbox").get("checked") is not None
    vietnamese = _card(client, "marketing", language="vi").text()
    why_vi = translated(WHY_FOR_CUSTOMER[RESTRICTION_KINDS[kind]], "vi")
    assert why_vi != WHY_FOR_CUSTOMER[RESTRICTION_KINDS[kind]]
    assert why_vi in vietnamese
    assert translated("You agreed, but the bank does not use it now", "vi") in vietnamese


def test_a_legal_hold_is_not_called_a_pause_at_the_customers_request(customer_a):
    subject = customer_a.customer_account.subject
    grant(subject, make_purpose("marketing", category="marketing"))
    _restrict(subject, "legal_hold")

    card = _card(signed_in(customer_a), "marketing").text()

    assert "Paused at your request" not in card
    assert WHY_FOR_CUSTOMER["legal_hold"] in card


def test_processing_on_another_basis_stopped_by_a_legal_hold_says_so(customer_a):
    """A legal hold reaches a contract's processing too (the check answers `legal_hold`); the purposes
    shown for transparency say it as the switches do."""
    subject = customer_a.customer_account.subject
    make_purpose("card-payments", legal_basis="contract", category="service")
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    _restrict(subject, "legal_hold")
    client = signed_in(customer_a)

    assert _reason(subject, "card-payments") == "legal_hold"
    assert _reason(subject, "kyc") == "legal_basis"
    page = parse(client.get("/en/me/consents/").content)
    assert WHY_FOR_CUSTOMER["legal_hold"] in page.find(**{"data-testid": "purpose-card-payments"}).text()
    assert WHY_FOR_CUSTOMER["legal_hold"] not in page.find(**{"data-testid": "purpose-kyc"}).text()


def test_an_expired_consent_says_it_expired(customer_a):
    subject = customer_a.customer_account.subject
    marketing = make_purpose("marketing", category="marketing")
    now = timezone.now()
    # Expired a minute ago; the expiry sweep has not recorded it yet, the check already answers so.
    grant(subject, marketing, now=now - timedelta(days=2), expires_at=now - timedelta(minutes=1))
    client = signed_in(customer_a)

    assert _reason(subject, "marketing") == "expired"
    card = _card(client, "marketing")
    assert card.find("input", type="checkbox").get("checked") is None
    assert "Your consent expired: switch it on again if you still agree." in card.text()
    expired_vi = translated("Your consent expired: switch it on again if you still agree.", "vi")
    assert expired_vi != "Your consent expired: switch it on again if you still agree."
    assert expired_vi in _card(client, "marketing", language="vi").text()

    # As the card says: switching it on again works before the hourly sweep has recorded the expiry.
    client.post("/en/me/consents/marketing/", {"on": "1", "confirmed": "1", "notice_version": "v1"})
    assert _reason(subject, "marketing") == "granted"
    card = _card(client, "marketing")
    assert "Thank you. Your consent to" in card.text()
    assert card.find("input", type="checkbox").get("checked") is not None


def _staff_live_row(officer, subject, purpose_name: str) -> str:
    page = parse(signed_in(officer).get(f"/en/portal/customers/{subject.pk}/").content)
    panel = page.find(**{"data-testid": "consent-panel"})
    rows = [tr for tr in panel.find_all("tr") if tr.find("th", scope="row") is not None]
    found = [tr.text() for tr in rows if tr.find("th", scope="row").text() == purpose_name]
    assert len(found) == 1, [tr.text() for tr in rows]
    return found[0]


def test_staff_see_each_live_consent_with_the_checks_answer(officer, subject):
    now = timezone.now()
    offers = make_purpose("offers", category="marketing", name_en="Offers")
    news = make_purpose("news", category="marketing", name_en="News")
    analytics = make_purpose(
        "analytics", category="analytics", name_en="App analytics", effective_at=now - timedelta(days=60)
    )
    support = make_purpose("support", category="support", name_en="Support")
    grant(subject, offers, now=now - timedelta(days=2), expires_at=now - timedelta(minutes=1))
    grant(subject, news)
    _restrict(subject, "object", purposes=[news])
    grant(subject, analytics, now=now - timedelta(days=40))
    publish_notice("analytics", "v2", effective_at=now - timedelta(days=1), material=True,
                   now=now - timedelta(days=31))
    announce_on_time("analytics")
    grant(subject, support)

    for code, name in (("offers", "Offers"), ("news", "News"), ("analytics", "App analytics"),
                       ("support", "Support")):
        answer = consent_check(subject_ref=subject.external_ref, purpose_code=code)
        assert answer.reason_label in _staff_live_row(officer, subject, name), code
    assert {_reason(subject, c) for c in ("offers", "news", "analytics", "support")} == {
        "expired", "objected", "reconsent_required", "granted"
    }


def test_the_home_card_counts_only_the_consents_that_still_stand(customer_a):
    """The self-service home's "Purposes you consented to" counts what the switches show on: not a
    consent past its end that the hourly sweep has not yet marked expired."""
    subject = customer_a.customer_account.subject
    now = timezone.now()
    grant(subject, make_purpose("marketing", category="marketing"))
    grant(subject, make_purpose("offers", category="marketing"), now=now - timedelta(days=2),
          expires_at=now - timedelta(minutes=1))

    home = parse(signed_in(customer_a).get("/en/me/").content)
    (card,) = [c for c in home.find_all("a") if "Purposes you consented to" in c.text()]
    assert "1" in card.text().split()
    assert "2" not in card.text().split()
