"""Purposes barred for children on the consents pages: never offered to a child, but a consent a child
already holds to one (the purpose became barred by a new version) stays in sight with its withdrawal,
since withdrawing must be as easy as giving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import ConsentStatus
from tests.consents.factories import SYSTEM, announce_on_time, child_of, grant, make_purpose
from tests.factories import make_customer, make_subject, signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def _goes_abroad(code: str, *, now) -> None:
    """A new version of the purpose, in force since, shares with a recipient abroad: barred for children."""
    abroad = services.recipient_create(
        actor=SYSTEM, name="JP Head Office", kind="group_company", country="JP"
    )
    services.purpose_update(
        actor=SYSTEM, code=code, changes={}, recipients=[abroad], now=now - timedelta(days=90),
        effective_at=now - timedelta(days=55), notice_version="v2", notice_text_vi="mới",
        notice_text_en="new",
    )
    announce_on_time(code)


@pytest.fixture
def ward_consent_now_barred():
    now = timezone.now()
    purpose = make_purpose("grp", category="sharing", effective_at=now - timedelta(days=120))
    guardian = make_subject()
    child = child_of(guardian, age=10)
    consent = grant(child, purpose, guardian=guardian, child_agreed=True, child_evidence="signed",
                    now=now - timedelta(days=100))
    _goes_abroad("grp", now=now)
    return guardian, child, consent


def test_the_guardian_still_sees_and_withdraws_a_consent_the_purpose_now_bars(ward_consent_now_barred):
    guardian, child, consent = ward_consent_now_barred
    client = signed_in(make_customer(guardian))
    page = parse(client.get("/en/me/consents/").content)
    section = page.find(**{"data-testid": f"ward-{child.external_ref}"})
    card = section.find(id=f"ward-{child.pk}-grp")
    assert card is not None
    # No switch to turn on again (a grant would be refused), only the withdrawal.
    assert card.find(**{"data-testid": "ward-switch-grp"}) is None
    link = card.find(**{"data-testid": "ward-withdraw-grp"})
    assert link is not None and link.attrs["href"].endswith(f"?ward={child.pk}")

    client.post(link.attrs["href"], {"reason": ""})
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN


def test_a_child_on_their_own_page_is_not_offered_marketing():
    make_purpose("mkt", category="marketing")
    make_purpose("svc-kid", category="service")
    child = child_of(make_subject(), age=12)
    page = parse(signed_in(make_customer(child)).get("/en/me/consents/").content)
    assert page.find(**{"data-testid": "switch-mkt"}) is None
    assert page.find(**{"data-testid": "switch-svc-kid"}) is not None
    assert page.find(**{"data-testid": "child-together"}) is not None


def test_an_adult_is_still_offered_marketing_without_the_childs_note():
    make_purpose("mkt", category="marketing")
    adult = make_subject()
    page = parse(signed_in(make_customer(adult)).get("/en/me/consents/").content)
    assert page.find(**{"data-testid": "switch-mkt"}) is not None
    assert page.find(**{"data-testid": "child-together"}) is None


def test_a_child_still_sees_their_own_consent_the_purpose_now_bars(ward_consent_now_barred):
    _guardian, child, _consent = ward_consent_now_barred
    page = parse(signed_in(make_customer(child)).get("/en/me/consents/").content)
    card = page.find(id="purpose-grp")
    assert card is not None
    assert card.find(**{"data-testid": "switch-grp"}) is None
    assert card.find(**{"data-testid": "withdraw-grp"}) is not None
