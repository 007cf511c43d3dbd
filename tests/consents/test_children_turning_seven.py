"""A guardian's consent given alone for a child under 7 no longer stands by itself once the child is 7:
from then a grant needs the child's own agreement beside the guardian's (Decree 13/2023 Art. 20), so
every check answers "consent must be asked again", and the guardian's page says why."""

from __future__ import annotations

from datetime import date, timedelta
from unittest.mock import ANY

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consents.models import Consent
from consents.selectors import consent_check, consent_check_as_of, consent_check_bulk
from consents.selectors.rule import own_agreement_due
from subjects.models import DataSubject
from tests.consents.factories import announce_on_time, child_of, grant, make_purpose, publish_notice
from tests.factories import make_customer, make_subject, signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def _answers(subject, code: str, *, at) -> set:
    live = consent_check(subject_ref=subject.external_ref, purpose_code=code, now=at)
    past = consent_check_as_of(subject_ref=subject.external_ref, purpose_code=code, at=at)
    bulk = consent_check_bulk(purpose_code=code, subject_refs=[subject.external_ref], now=at)
    return {(a.allowed, a.reason) for a in (live, past, bulk[subject.external_ref])}


def _seventh_birthday(child):
    born = child.date_of_birth
    return timezone.make_aware(timezone.datetime(born.year + 7, born.month, born.day, 12))


def test_a_guardians_consent_alone_asks_again_once_the_child_is_seven():
    guardian = make_subject()
    child = child_of(guardian, age=6)
    grant(child, make_purpose("svc-kid", category="service"), guardian=guardian)
    seventh = _seventh_birthday(child)
    assert _answers(child, "svc-kid", at=seventh - timedelta(days=1)) == {(True, "granted")}
    assert _answers(child, "svc-kid", at=seventh + timedelta(days=1)) == {(False, "reconsent_required")}


def test_the_childs_own_agreement_keeps_the_consent_standing():
    guardian = make_subject()
    child = child_of(guardian, age=10)
    grant(child, make_purpose("svc-kid", category="service"), guardian=guardian, child_agreed=True,
          child_evidence="signed beside the guardian")
    assert _answers(child, "svc-kid", at=timezone.now() + timedelta(days=1)) == {(True, "granted")}


def _sixteen_with_a_consent_given_at_five():
    """A customer of 16, the purpose and the consent their guardian gave alone when they were 5."""
    guardian = make_subject()
    child = child_of(guardian, age=16)
    born = child.date_of_birth
    at5 = timezone.make_aware(timezone.datetime(born.year + 5, born.month, born.day, 12))
    purpose = make_purpose("svc-kid", category="service", effective_at=at5 - timedelta(days=1))
    return child, purpose, grant(child, purpose, guardian=guardian, now=at5)


def _latest_birth_for_age(day: date, age: int) -> date:
    """The last date of birth by which one is `age` on `day`: `day` that many years back, or 28 February
    when `day` is 29 February and that year has none (no one turns `age` on a 29 February then)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return date(day.year - age, 2, 28)


def test_the_customers_own_agreement_is_due_from_seven_with_no_upper_bound():
    day = timezone.localdate()
    assert not own_agreement_due(_latest_birth_for_age(day, 6), on=day)
    assert not own_agreement_due(_latest_birth_for_age(day, 7) + timedelta(days=1), on=day)
    assert own_agreement_due(_latest_birth_for_age(day, 7), on=day)
    assert own_agreement_due(_latest_birth_for_age(day, 15), on=day)
    assert own_agreement_due(_latest_birth_for_age(day, 16), on=day)
    assert own_agreement_due(_latest_birth_for_age(day, 40), on=day)
    assert not own_agreement_due(None, on=day)


@pytest.mark.parametrize("age", [16, 17, 30])
def test_a_guardians_consent_alone_does_not_revive_when_the_customer_comes_of_age(age):
    guardian = make_subject()
    child = child_of(guardian, age=5)
    grant(child, make_purpose("svc-kid", category="service"), guardian=guardian)
    born = child.date_of_birth
    later = timezone.make_aware(timezone.datetime(born.year + age, born.month, born.day, 12))
    # Nobody agreed since the guardian did, alone, when the customer was 5.
    assert _answers(child, "svc-kid", at=later) == {(False, "reconsent_required")}


def test_from_sixteen_the_customers_own_consent_stands():
    child, purpose, _outgrown = _sixteen_with_a_consent_given_at_five()
    grant(child, purpose)  # the customer, 16 now, consents themselves
    assert _answers(child, "svc-kid", at=timezone.now() + timedelta(minutes=1)) == {(True, "granted")}


def test_at_sixteen_the_customers_page_does_not_say_they_agreed():
    child, _purpose, _outgrown = _sixteen_with_a_consent_given_at_five()

    page = parse(signed_in(make_customer(child)).get("/en/me/consents/").content)

    card = page.find(id="purpose-svc-kid")
    assert card.find(id="purpose-svc-kid-state").text().strip() == "Off"
    why = card.find(**{"data-testid": "why-svc-kid"}).text()
    assert "guardian" in why and "yourself" in why and "together" not in why


def test_the_childs_page_says_their_guardian_agreed():
    guardian = make_subject()
    child = child_of(guardian, age=5)
    grant(child, make_purpose("svc-kid", category="service"), guardian=guardian)
    older = child_of(guardian, age=10)
    grant(older, make_purpose("svc-both", category="service"), guardian=guardian, child_agreed=True,
          child_evidence="signed beside the guardian")

    young = parse(signed_in(make_customer(child)).get("/en/me/consents/").content)
    both = parse(signed_in(make_customer(older)).get("/en/me/consents/").content)

    assert young.find(id="purpose-svc-kid-state").text().strip() == "On: your guardian agreed"
    assert both.find(id="purpose-svc-both-state").text().strip() == "On: you and your guardian agreed"


def test_the_check_of_a_ward_is_still_one_query(django_assert_num_queries):
    guardian = make_subject()
    child = child_of(guardian, age=6)
    grant(child, make_purpose("svc-kid", category="service"), guardian=guardian)
    later = _seventh_birthday(child) + timedelta(days=1)
    consent_check(subject_ref=child.external_ref, purpose_code="svc-kid", now=later)  # warm the cache
    with django_assert_num_queries(1):
        answer = consent_check(subject_ref=child.external_ref, purpose_code="svc-kid", now=later)
    assert (answer.allowed, answer.reason) == (False, "reconsent_required")


def test_the_guardians_page_says_the_child_must_agree_too(customer_a):
    guardian = customer_a.customer_account.subject
    child = child_of(guardian, age=7)  # seven since ten days
    now = timezone.now()
    purpose = make_purpose("svc-kid", category="service", effective_at=now - timedelta(days=60))
    grant(child, purpose, guardian=guardian, now=now - timedelta(days=20))
    page = parse(signed_in(customer_a).get("/en/me/consents/").content)
    section = page.find(**{"data-testid": f"ward-{child.external_ref}"})
    why = section.find(**{"data-testid": "ward-why-svc-kid"})
    assert why is not None
    assert "agree" in why.text() and child.external_ref in why.text()
    # not mistaken for a widening of the purpose
    assert section.find(**{"data-testid": "reconsent-svc-kid"}) is None


def test_a_consent_outgrown_and_outdated_too_is_asked_again_for_both_reasons():
    guardian = make_subject()
    child = child_of(guardian, age=7)  # seven since ten days
    now = timezone.now()
    purpose = make_purpose("svc-kid", category="service", effective_at=now - timedelta(days=60))
    grant(child, purpose, guardian=guardian, now=now - timedelta(days=20))
    publish_notice("svc-kid", "v2", effective_at=now - timedelta(days=1), material=True,
                   now=now - timedelta(days=31))
    announce_on_time("svc-kid")

    response = signed_in(make_customer(child)).get("/en/me/consents/")

    # The widening is announced to the child like to anyone, beside why the guardian's word is not enough.
    assert [row["purpose"].code for row in response.context["ask_again"]] == ["svc-kid"]
    page = parse(response.content)
    assert page.find(**{"data-testid": "reconsent-svc-kid"}) is not None
    assert "7" in page.find(**{"data-testid": "why-svc-kid"}).text()


@pytest.mark.parametrize(
    ("age", "category", "guardian_alone"), [(12, "marketing", False), (7, "service", True)]
)
def test_the_check_as_of_reads_the_subject_once(age, category, guardian_alone):
    guardian = make_subject()
    child = child_of(guardian, age=age)
    now = timezone.now()
    purpose = make_purpose("kid", category=category, effective_at=now - timedelta(days=60))
    if guardian_alone:
        grant(child, purpose, guardian=guardian, now=now - timedelta(days=20))
    subjects = f'"{DataSubject._meta.db_table}"'

    with CaptureQueriesContext(connection) as queries:
        answer = consent_check_as_of(subject_ref=child.external_ref, purpose_code="kid", at=now)

    # The rule asked the age (a ward's marketing, a consent the guardian gave alone): read with the subject.
    assert answer.reason == ("reconsent_required" if guardian_alone else "child")
    assert [q["sql"] for q in queries.captured_queries if subjects in q["sql"]] == [ANY]


def test_at_sixteen_the_customer_switches_it_on_themselves():
    child, _purpose, outgrown = _sixteen_with_a_consent_given_at_five()

    response = signed_in(make_customer(child)).post(
        "/en/me/consents/svc-kid/", {"on": "1", "confirmed": "1", "notice_version": "v1"}
    )

    assert response.status_code == 302
    outgrown.refresh_from_db()
    assert outgrown.status == "superseded"
    answer = consent_check(subject_ref=child.external_ref, purpose_code="svc-kid")
    assert (answer.allowed, answer.reason) == (True, "granted")
    assert Consent.objects.get(pk=answer.consent).guardian_id is None
