"""CSV import and a consent past its term: the import judges a row as it would once the hourly expiry
sweep has run. A consent whose term has ended but which the sweep has not yet recorded is expired
first (as the sweep would, in the batch's transaction), then the row is judged: a grant or a "no" given
after the term ran out is imported, one given while it ran is older than the expiry."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import Consent, ConsentEvent, ConsentStatus
from consents.selectors import consent_check
from consents.services import consents_import_csv
from core.actors import Actor
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import")
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at,outcome"


def _csv(*rows: str) -> list[str]:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n").readlines()


def _day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def ran_out():
    """A customer whose marketing consent ran out five days ago; the sweep has not recorded it."""
    now = timezone.now()
    purpose = make_purpose("marketing", category="marketing", effective_at=now - timedelta(days=90))
    customer = make_subject()
    old = grant(customer, purpose, now=now - timedelta(days=60), expires_at=now - timedelta(days=5))
    assert old.status == ConsentStatus.GRANTED
    return customer, old


@pytest.fixture(params=["unswept", "swept late"])
def sweep(request, ran_out):
    """Whether the sweep has run (yesterday, four days after the term ended, as when the workers were
    down): the import answers the same either way. The consent ended with its term, not when the sweep
    wrote it down."""
    if request.param != "unswept":
        assert services.consents_expire_due(now=timezone.now() - timedelta(days=1)) == 1
    return request.param


@pytest.mark.parametrize("outcome", ["granted", "refused"])
def test_an_answer_given_after_the_term_ran_out_is_imported_and_the_expiry_recorded(ran_out, sweep, outcome):
    customer, old = ran_out

    run = consents_import_csv(actor=ACTOR, filename="forms.csv", lines=_csv(
        f"{customer.external_ref},marketing,v1,paper_form,scan-1,{_day(2)},{outcome}",
    ))

    assert (run.imported + run.refusals_recorded, run.refused) == (1, 0), run.errors
    old.refresh_from_db()
    assert old.status == ConsentStatus.EXPIRED
    # Recorded once, by the sweep's actor, whoever came first.
    expiries = AuditEntry.objects.filter(action="consents.consent.expired", target_id=str(old.pk))
    assert [e.actor_label for e in expiries] == ["consents.expire_due"]
    assert old.events.filter(kind=ConsentEvent.Kind.EXPIRED).count() == 1
    new = Consent.objects.exclude(pk=old.pk).get(subject=customer)
    assert new.status == outcome
    answer = consent_check(subject_ref=customer.external_ref, purpose_code="marketing")
    expected = (True, "granted") if outcome == "granted" else (False, "refused")
    assert (answer.allowed, answer.reason) == expected


@pytest.mark.parametrize("outcome", ["granted", "refused"])
def test_an_answer_given_while_the_consent_ran_is_older_than_its_expiry(ran_out, sweep, outcome):
    customer, old = ran_out

    run = consents_import_csv(actor=ACTOR, filename="forms.csv", lines=_csv(
        f"{customer.external_ref},marketing,v1,paper_form,scan-1,{_day(10)},{outcome}",
    ))

    assert (run.imported, run.refusals_recorded, run.refused) == (0, 0, 1)
    assert "later answer" in run.errors[0]["reason"]
    old.refresh_from_db()
    assert old.status == ConsentStatus.EXPIRED
    assert consent_check(subject_ref=customer.external_ref, purpose_code="marketing").reason == "expired"
