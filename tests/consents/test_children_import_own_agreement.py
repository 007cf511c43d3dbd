"""A paper form on which a customer of 16 consents themselves replaces, through the import, the consent
their guardian gave alone when they were a child, as the single grant does (the staff form, the API):
the same grant service, the outgrown consent superseded even on the same notice version. A consent
that is live and not outgrown still refuses the row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Consent, ConsentEvent
from consents.selectors import consent_check
from tests.consents.factories import child_of, grant, import_csv, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

HEADER = "subject,purpose,notice_version,channel,evidence,granted_at\n"


def _given_at(child, age: int):
    born = child.date_of_birth
    return timezone.make_aware(timezone.datetime(born.year + age, born.month, born.day, 12))


def _sixteen_with_a_consent_given_at_five():
    guardian = make_subject()
    child = child_of(guardian, age=16)
    at5 = _given_at(child, 5)
    purpose = make_purpose("svc-kid", category="service", effective_at=at5 - timedelta(days=1))
    return child, purpose, grant(child, purpose, guardian=guardian, now=at5)


def test_an_imported_own_consent_replaces_the_one_outgrown_as_the_grant_does():
    child, _purpose, outgrown = _sixteen_with_a_consent_given_at_five()
    day = (timezone.localdate() - timedelta(days=2)).isoformat()

    run = import_csv(HEADER + f"{child.external_ref},svc-kid,v1,paper_form,SCAN-16-1,{day}\n")

    assert (run.imported, run.refused, run.errors) == (1, 0, [])
    outgrown.refresh_from_db()
    assert outgrown.status == "superseded"
    answer = consent_check(subject_ref=child.external_ref, purpose_code="svc-kid")
    assert (answer.allowed, answer.reason) == (True, "granted")
    own = Consent.objects.get(pk=answer.consent)
    assert own.guardian_id is None and own.import_key and own.channel == "paper_form"
    assert timezone.localdate(own.granted_at).isoformat() == day
    # The history the single grant writes: the outgrown one superseded for the customer's own agreement,
    # then the grant, dated the day of the form, from this import.
    superseded = ConsentEvent.objects.get(consent=outgrown, kind="superseded")
    assert (superseded.reason, superseded.source) == ("own agreement given", f"import:{run.pk}")
    granted = ConsentEvent.objects.get(consent=own, kind="granted")
    assert granted.at == own.granted_at and granted.source == f"import:{run.pk}"
    entry = AuditEntry.objects.get(action="consents.consent.granted", target_id=str(own.pk))
    assert entry.data["source"] == f"import:{run.pk}" and entry.data["event"] == str(granted.pk)
    assert entry.data["notice_version"] == "v1" and entry.data["guardian"] is None
    entries = AuditEntry.objects.filter(action="consents.consent.superseded", target_id=str(outgrown.pk))
    assert entries.count() == 1
    batch = AuditEntry.objects.get(action="consents.import.batch_imported", target_id=str(run.pk))
    assert batch.data["imported"] == 1

    # Run again: nothing twice.
    again = import_csv(HEADER + f"{child.external_ref},svc-kid,v1,paper_form,SCAN-16-1,{day}\n")
    assert (again.imported, again.already_imported) == (0, 1)


def test_a_live_consent_not_outgrown_still_refuses_the_row():
    subject = make_subject()
    purpose = make_purpose("svc-adult", category="service",
                           effective_at=timezone.now() - timedelta(days=30))
    live = grant(subject, purpose, now=timezone.now() - timedelta(days=10))
    day = (timezone.localdate() - timedelta(days=2)).isoformat()

    run = import_csv(HEADER + f"{subject.external_ref},svc-adult,v1,paper_form,SCAN-1,{day}\n")

    assert (run.imported, run.refused) == (0, 1)
    assert "already has a live consent" in run.errors[0]["reason"]
    live.refresh_from_db()
    assert live.status == "granted"


def test_a_form_from_before_the_customer_outgrew_it_is_still_refused():
    """A guardian's form alone, dated while the child was still under 7, replaces nothing: on its day
    the live consent was not outgrown."""
    child, _purpose, outgrown = _sixteen_with_a_consent_given_at_five()
    guardian = outgrown.guardian
    day = (_given_at(child, 6)).date().isoformat()

    run = import_csv("subject,purpose,notice_version,channel,evidence,granted_at,guardian\n"
                     f"{child.external_ref},svc-kid,v1,paper_form,SCAN-6,{day},{guardian.external_ref}\n")

    assert (run.imported, run.refused) == (0, 1)
    outgrown.refresh_from_db()
    assert outgrown.status == "granted"
