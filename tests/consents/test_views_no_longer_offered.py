"""A consent to a purpose the bank no longer offers still stands until it is withdrawn, and the receipt
promises withdrawal at any time: the customer's page lists it, with its Withdraw action, and the home
card counts what the page shows."""

from __future__ import annotations

import pytest

from consents import services
from consents.models import Consent
from tests.consents.factories import SYSTEM, child_of, grant, make_purpose
from tests.factories import signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def _retire(purpose) -> None:
    services.purpose_update(actor=SYSTEM, code=purpose.code, changes={"active": False})


def _section(page, testid: str):
    section = page.find(**{"data-testid": testid})
    assert section is not None, testid
    return section


def test_a_consent_to_a_purpose_no_longer_offered_is_listed_and_withdrawn(customer_a):
    subject = customer_a.customer_account.subject
    marketing = make_purpose("marketing", category="marketing")
    retired = make_purpose("old-offers", category="marketing", name_en="Old offers")
    gone = make_purpose("old-news", category="marketing", name_en="Old news")
    grant(subject, marketing)
    consent = grant(subject, retired)
    services.consent_withdraw(actor=SYSTEM, consent_id=grant(subject, gone).pk, channel="branch")
    _retire(retired)
    _retire(gone)
    client = signed_in(customer_a)

    page = parse(client.get("/en/me/consents/").content)

    section = _section(page, "no-longer-offered")
    assert "No longer offered" in section.text() and "Old offers" in section.text()
    # Only what can still be withdrawn: a consent already ended there is history, not a choice.
    assert "Old news" not in section.text()
    withdraw = section.find("a", **{"data-testid": "withdraw-old-offers"})
    assert withdraw.get("href") == "/en/me/consents/old-offers/withdraw/"
    assert "What happens if you withdraw" in client.get(withdraw.get("href")).content.decode()
    done = client.post(withdraw.get("href"), {"reason": ""}, follow=True).content.decode()
    consent.refresh_from_db()
    assert consent.status == "withdrawn"
    # No card is left to show the outcome in: it is shown at the top of the page.
    assert "Your consent to “Old offers” is withdrawn from now on." in done
    assert page.find(**{"data-testid": "purpose-old-offers"}) is None  # not among the switches
    assert "Old offers" not in client.get("/en/me/consents/").content.decode()


def test_a_wards_consent_to_a_purpose_no_longer_offered_is_listed_in_their_section(customer_a):
    parent = customer_a.customer_account.subject
    child = child_of(parent, age=5)
    retired = make_purpose("old-sharing", category="sharing", name_en="Old sharing")
    consent = grant(child, retired, guardian=parent)
    _retire(retired)
    client = signed_in(customer_a)

    ward = _section(parse(client.get("/en/me/consents/").content), f"ward-{child.external_ref}")

    withdraw = _section(ward, f"no-longer-offered-{child.external_ref}").find(
        "a", **{"data-testid": "withdraw-old-sharing"}
    )
    assert withdraw.get("href") == f"/en/me/consents/old-sharing/withdraw/?ward={child.pk}"
    client.post(withdraw.get("href"), {})
    consent.refresh_from_db()
    assert consent.status == "withdrawn"


def test_the_home_card_counts_the_consents_the_page_shows(customer_a):
    subject = customer_a.customer_account.subject
    marketing = make_purpose("marketing", category="marketing")
    retired = make_purpose("old-offers", category="marketing")
    grant(subject, marketing)
    grant(subject, retired)
    _retire(retired)
    client = signed_in(customer_a)

    page = parse(client.get("/en/me/consents/").content)
    shown = len(
        [box for box in page.find_all("input", type="checkbox") if box.get("checked") is not None]
    ) + len(_section(page, "no-longer-offered").find_all("li"))
    home = parse(client.get("/en/me/").content)
    (card,) = [c for c in home.find_all("a") if "Purposes you consented to" in c.text()]

    assert shown == Consent.objects.filter(subject=subject, status="granted").count() == 2
    assert str(shown) in card.text().split()
