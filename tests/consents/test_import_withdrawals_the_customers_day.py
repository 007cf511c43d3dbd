"""A legacy withdrawal is judged on the customer's day, the form's, not the import's: a consent the
platform would have ended later (at a 7th birthday, at its term's end) or whose purpose moved to another
legal basis since still ends on the day the customer withdrew it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from consents.catalogue import catalogue_invalidate
from consents.models import Consent, ConsentStatus, NoticeVersion
from consents.scope import purpose_scope
from consents.services import consents_import_csv
from deadlines.policy import LOCAL_TZ
from tests.consents.factories import child_of, grant, make_purpose, make_recipient
from tests.consents.import_files import IMPORTER, csv_lines
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_guardians_withdrawal_before_the_7th_birthday_ends_the_consent_on_its_day():
    make_purpose("savings-offers", category="service", recipients=[make_recipient("Partner Insurance")],
                 effective_at=timezone.now() - timedelta(days=9 * 365))
    parent = make_subject()
    child = child_of(parent, age=10)
    granted = (timezone.localdate() - timedelta(days=6 * 365)).isoformat()  # the child was 4
    withdrawn = (timezone.localdate() - timedelta(days=5 * 365)).isoformat()  # the child was 5
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=csv_lines(
        f"{child.external_ref},savings-offers,v1,paper_form,SCAN-1,{granted},{parent.external_ref},,granted",
        f"{child.external_ref},savings-offers,v1,paper_form,SCAN-2,{withdrawn},{parent.external_ref},,rút",
    ))
    consent = Consent.objects.get(subject=child)
    assert (run.imported, run.withdrawals_recorded, run.refused) == (1, 1, 0), run.errors
    assert consent.status == ConsentStatus.WITHDRAWN
    assert timezone.localdate(consent.ended_at).isoformat() == withdrawn
    assert run.notes == []  # the customer's withdrawal ended it: no platform stop to note


def test_a_guardians_withdrawal_after_the_7th_birthday_leaves_the_consent_ended_at_the_birthday():
    """The guardian's lone consent stopped counting on the 7th birthday: a withdrawal dated after it
    cannot make it have lasted longer. It ends at the birthday, as without the withdrawal, and the row
    says why nothing more was recorded."""
    make_purpose("savings-offers", category="service", recipients=[make_recipient("Partner Insurance")],
                 effective_at=timezone.now() - timedelta(days=9 * 365))
    parent = make_subject()
    child = child_of(parent, age=10)
    granted = (timezone.localdate() - timedelta(days=6 * 365)).isoformat()  # the child was 4
    withdrawn = (timezone.localdate() - timedelta(days=2 * 365)).isoformat()  # the child was 8
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=csv_lines(
        f"{child.external_ref},savings-offers,v1,paper_form,SCAN-1,{granted},{parent.external_ref},,granted",
        f"{child.external_ref},savings-offers,v1,paper_form,SCAN-2,{withdrawn},{parent.external_ref},,rút",
    ))
    consent = Consent.objects.get(subject=child)
    assert (run.imported, run.withdrawals_recorded) == (1, 0)
    assert [error["line"] for error in run.errors] == [3]
    assert "7th birthday" in run.errors[0]["reason"]
    assert consent.status == ConsentStatus.WITHDRAWN
    birthday = child.date_of_birth.replace(year=child.date_of_birth.year + 7)
    assert timezone.localdate(consent.ended_at) == birthday
    assert [note["line"] for note in run.notes] == [2]


def test_a_guardians_consent_outgrown_without_a_withdrawal_is_still_stopped_at_the_7th_birthday():
    make_purpose("savings-offers", category="service", recipients=[make_recipient("Partner Insurance")],
                 effective_at=timezone.now() - timedelta(days=9 * 365))
    parent = make_subject()
    child = child_of(parent, age=10)
    granted = (timezone.localdate() - timedelta(days=6 * 365)).isoformat()
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=csv_lines(
        f"{child.external_ref},savings-offers,v1,paper_form,SCAN-1,{granted},{parent.external_ref},,granted",
    ))
    consent = Consent.objects.get(subject=child)
    assert (run.imported, run.refused) == (1, 0), run.errors
    assert consent.status == ConsentStatus.WITHDRAWN
    assert [note["line"] for note in run.notes] == [2]


def _withdrawal_of_a_consent_whose_term_ended_100_days_ago(*, withdrawn_days_ago: int):
    """A consent given on the platform 300 days ago for a term that ended 100 days ago, and the import of
    its withdrawal on paper `withdrawn_days_ago`: the run and the consent after it."""
    now = timezone.now()
    purpose = make_purpose("offers", recipients=[make_recipient("Partner")],
                           effective_at=now - timedelta(days=400))
    a = make_subject()
    consent = grant(a, purpose, now=now - timedelta(days=300), expires_at=now - timedelta(days=100))
    withdrawn = timezone.localdate(now - timedelta(days=withdrawn_days_ago)).isoformat()
    run = consents_import_csv(actor=IMPORTER, filename="w.csv", lines=csv_lines(
        f"{a.external_ref},offers,v1,paper_form,SCAN-2,{withdrawn},,,rút"))
    consent.refresh_from_db()
    return run, consent, withdrawn


def test_a_withdrawal_on_paper_before_the_term_ran_out_is_recorded_on_its_day():
    run, consent, withdrawn = _withdrawal_of_a_consent_whose_term_ended_100_days_ago(withdrawn_days_ago=200)
    assert (run.withdrawals_recorded, run.refused) == (1, 0), run.errors
    assert consent.status == ConsentStatus.WITHDRAWN
    assert timezone.localdate(consent.ended_at).isoformat() == withdrawn


def test_a_withdrawal_after_the_term_ran_out_finds_the_consent_expired():
    run, consent, _withdrawn = _withdrawal_of_a_consent_whose_term_ended_100_days_ago(withdrawn_days_ago=50)
    assert (run.withdrawals_recorded, run.refused) == (0, 1)
    assert consent.status == ConsentStatus.EXPIRED


def test_a_withdrawal_given_while_the_purpose_relied_on_consent_is_recorded_after_the_basis_moved():
    now = timezone.now()
    purpose = make_purpose("offers", category="service", recipients=[make_recipient("Partner")],
                           effective_at=datetime(2023, 1, 1, tzinfo=LOCAL_TZ))
    a = make_subject()
    run = consents_import_csv(actor=IMPORTER, filename="g.csv", lines=csv_lines(
        f"{a.external_ref},offers,v1,paper_form,SCAN-1,2024-01-10,,,granted"))
    assert run.imported == 1, run.errors
    # A later version, in force 10 days ago, rests the purpose on a contract.
    scope = {**purpose_scope(purpose), "legal_basis": "contract"}
    NoticeVersion.objects.create(purpose=purpose, version="v2", text_vi="x", text_en="x",
                                 effective_at=now - timedelta(days=10), scope=scope, applied_at=now)
    catalogue_invalidate()
    run = consents_import_csv(actor=IMPORTER, filename="w.csv", lines=csv_lines(
        f"{a.external_ref},offers,v1,paper_form,SCAN-2,2024-06-10,,,rút"))
    consent = Consent.objects.get(subject=a)
    assert (run.withdrawals_recorded, run.refused) == (1, 0), run.errors
    assert timezone.localdate(consent.ended_at).isoformat() == "2024-06-10"
