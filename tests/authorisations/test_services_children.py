"""Children do not authorise third parties (domain notes, "People and roles", "Consent rules"): a third
party reading a customer's bank data is a consent to disclose sensitive data (customer information held
by a credit institution), which the consent rules bar for children, and a customer with no known date
of birth is not assumed adult for it. The refusal comes before any code is issued: on the consent
screen, and in the grant itself."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from oauth2_provider.models import get_grant_model

from authorisations import services
from authorisations.models import Authorisation
from core.actors import actor_for_user
from core.errors import Conflict
from subjects import services as subject_services
from tests.authorisations.factories import (
    REDIRECT_URI,
    authorise,
    consent_screen,
    hidden_fields,
    register,
    sign_in,
)
from tests.consents.factories import child_of
from tests.factories import make_customer, make_subject


def _customer(username: str, **subject_fields):
    return make_customer(subject=make_subject(**subject_fields), username=username)


def _child(username: str, *, age: int):
    """A customer of `age` whose verified guardian is on file: the guardian changes nothing here."""
    return make_customer(subject=child_of(make_subject(), age=age, verified=True), username=username)


def _foreign_third_party():
    return register(country="SG", scopes=["accounts:read", "transactions:read"])


def _grant_abroad(customer, registration, *, days=365):
    return services.authorisation_grant(
        actor=actor_for_user(customer),
        user=customer,
        subject=customer.customer_account.subject,
        third_party=registration.third_party,
        scopes=["transactions:read"],
        duration_days=days,
        cross_border_acknowledged=True,
    )


@pytest.mark.parametrize("age", [12, 5])
def test_a_child_cannot_authorise_a_third_party(db, age):
    child = _child(f"child{age}", age=age)
    with pytest.raises(Conflict) as refused:
        _grant_abroad(child, _foreign_third_party())
    assert refused.value.code == "child_barred"
    with translation.override("en"):
        assert "under 16" in refused.value.text and "branch" in refused.value.text
    assert not Authorisation.objects.exists()


def test_the_terms_check_before_a_code_refuses_a_child_too(db):
    child = _child("child12", age=12)
    registration = register()
    with pytest.raises(Conflict) as refused:
        services.authorisation_terms_check(
            subject=child.customer_account.subject,
            third_party=registration.third_party,
            scopes=["accounts:read"],
            duration_days=30,
            cross_border_acknowledged=False,
        )
    assert refused.value.code == "child_barred"


def test_a_customer_with_no_known_date_of_birth_is_not_assumed_adult(db):
    unknown = _customer("unknown_age", date_of_birth=None)
    with pytest.raises(Conflict) as refused:
        authorise(unknown)
    assert refused.value.code == "age_unknown"
    assert not Authorisation.objects.exists()
    # An eKYC check that established adulthood stands in for the missing date, as for consents.
    verified = _customer("ekyc_adult", date_of_birth=None, adult_verified=True)
    assert authorise(verified).status == "active"


def test_sixteen_is_old_enough_and_the_day_before_is_not(db):
    today = timezone.localdate()
    sixteenth_birthday = date(today.year - 16, today.month, today.day)  # 16 years back: a leap year too
    assert authorise(_customer("sixteen", date_of_birth=sixteenth_birthday)).status == "active"
    with pytest.raises(Conflict) as refused:
        authorise(_customer("almost16", date_of_birth=sixteenth_birthday + timedelta(days=1)))
    assert refused.value.code == "child_barred"


def test_the_consent_screen_refuses_a_child_up_front_and_issues_no_code(db):
    child = _child("child12", age=12)
    registration = _foreign_third_party()
    browser = Client()
    sign_in(browser, "child12")
    page, fields = consent_screen(browser, registration)
    assert page.status_code == 403
    words = page.content.decode()
    assert 'data-testid="refusal"' in words
    assert 'data-testid="approve"' not in words
    refusal = page.context["refusal"]
    assert refusal.code == "child_barred"
    with translation.override("en"):
        english = refusal.text
    with translation.override("vi"):
        vietnamese = refusal.text
    assert vietnamese != english  # the customer reads it in their language
    # A crafted approval is refused the same way: no code, no authorisation.
    approved = browser.post("/oauth/authorize/", {**fields, "allow": "on", "duration_days": 365,
                                                  "cross_border": "on"})
    assert approved.status_code == 403
    assert not get_grant_model().objects.exists()
    assert not Authorisation.objects.filter(subject=child.customer_account.subject).exists()
    # Declining still ends the third party's flow properly.
    declined = browser.post("/oauth/authorize/", fields)
    assert declined.status_code == 302
    assert declined["Location"].startswith(REDIRECT_URI) and "error=access_denied" in declined["Location"]


def test_an_adult_sees_the_usual_screen(db, browser1, registration):
    page, _fields = consent_screen(browser1, registration)
    assert page.status_code == 200
    assert page.context.get("refusal") is None
    assert 'data-testid="approve"' in page.content.decode()
    assert hidden_fields(page)["client_id"]


def test_a_correction_showing_a_child_revokes_the_access_they_gave(db):
    """An adult's authorisation stands until a corrected birth date shows a child: then it ends at once,
    as the customer's own revocation does (domain notes: use of a child's data without guardian
    consent stops at once)."""
    customer = _customer("grown_up", date_of_birth=date(1990, 1, 1))
    authorisation = authorise(customer)
    today = timezone.localdate()

    subject_services.subject_rectify(
        actor=actor_for_user(customer), subject_id=customer.customer_account.subject.pk,
        changes={"date_of_birth": date(today.year - 12, 1, 1)},
    )

    authorisation.refresh_from_db()
    assert authorisation.status == "revoked"
