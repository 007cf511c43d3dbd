"""The withdrawal confirmation, on the customer's page and on staff's, names the recipients the
withdrawal will really tell to stop: those of the scope the customer agreed to, even after a narrowing
removed one from the purpose. The pages named the purpose's current recipients while the duties went to
the agreed ones, so a customer read "We tell Alpha Partner" and Beta Partner was told as well."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consents import services
from consents.models import ConsentStatus, WithdrawalDuty
from subjects.models import DataSubject
from tests.consents.factories import STAFF, SYSTEM, grant, make_purpose, make_recipient
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def narrowed(customer_a):
    """The customer agreed to share with Alpha and Beta; a narrowing has since removed Beta from the
    purpose (Beta received the data under this consent)."""
    alpha, beta = make_recipient("Alpha Partner"), make_recipient("Beta Partner")
    purpose = make_purpose("sharing", category="sharing", recipients=[alpha, beta])
    consent = grant(customer_a.customer_account.subject, purpose, channel="mobile_app",
                    expires_at=timezone.now() + timedelta(days=30))
    services.purpose_update(actor=SYSTEM, code="sharing", changes={}, recipients=[alpha])
    return consent


def _named(page: str) -> set[str]:
    """The recipients the confirmation says the bank tells to stop."""
    found = re.search(r"We tell ([^<]*?) to stop within", html.unescape(page))
    assert found, "the confirmation names no recipient"
    return set(found.group(1).split(", "))


def _told(consent) -> set[str]:
    stops = WithdrawalDuty.objects.stops().filter(consent=consent)
    return set(stops.values_list("recipient__name", flat=True))


def _customer_page(customer) -> str:
    with translation.override("en"):
        url = reverse("consents:me_withdraw", args=["sharing"])
    return signed_in(customer).get(url).content.decode()


def _staff_page(staff, consent) -> str:
    # What staff read out is in the customer's language: an English reader's, to be read in English.
    DataSubject.objects.filter(pk=consent.subject_id).update(preferred_language="en")
    with translation.override("en"):
        url = reverse("consents:staff_withdraw", args=[consent.pk])
    return signed_in(staff).get(url).content.decode()


def test_the_customer_page_names_every_recipient_the_withdrawal_tells(customer_a, narrowed):
    named = _named(_customer_page(customer_a))

    services.consent_withdraw(actor=STAFF, consent_id=narrowed.pk, channel="branch")
    assert named == _told(narrowed) == {"Alpha Partner", "Beta Partner"}


def test_the_staff_page_names_every_recipient_the_withdrawal_tells(dpo, narrowed):
    named = _named(_staff_page(dpo, narrowed))

    services.consent_withdraw(actor=STAFF, consent_id=narrowed.pk, channel="branch")
    assert named == _told(narrowed) == {"Alpha Partner", "Beta Partner"}


def test_an_inactive_recipient_a_widening_added_is_named_no_more_than_it_is_told(dpo, narrowed):
    later = make_recipient("Later Partner")
    narrowed.purpose.recipients.add(later)  # a widening the customer never agreed to took effect
    later.active = False
    later.save()

    named = _named(_staff_page(dpo, narrowed))

    services.consent_withdraw(actor=STAFF, consent_id=narrowed.pk, channel="branch")
    assert named == _told(narrowed) == {"Alpha Partner", "Beta Partner"}


def test_the_recipients_the_page_names_are_those_an_expiry_tells(customer_a, narrowed):
    named = _named(_customer_page(customer_a))

    assert services.consents_expire_due(now=narrowed.expires_at + timedelta(minutes=1)) == 1
    narrowed.refresh_from_db()
    assert narrowed.status == ConsentStatus.EXPIRED
    assert _told(narrowed) == named == {"Alpha Partner", "Beta Partner"}


def test_a_replacement_tells_what_the_old_page_named_less_what_the_new_page_names(customer_a, narrowed):
    before = _named(_customer_page(customer_a))
    version = narrowed.purpose.notices.order_by("-effective_at").first().version

    second = grant(customer_a.customer_account.subject, narrowed.purpose, channel="mobile_app",
                   notice_version=version)
    after = _named(_customer_page(customer_a))

    narrowed.refresh_from_db()
    assert narrowed.status == ConsentStatus.SUPERSEDED
    assert _told(narrowed) == before - after == {"Beta Partner"}
    services.consent_withdraw(actor=STAFF, consent_id=second.pk, channel="branch")
    assert _told(second) == after == {"Alpha Partner"}
