"""CSV import of withdrawals: a legacy file's "no more" (`outcome` withdrawn / rút) ends the consent the
customer gave before it, dated on the form's day, its recipients told to stop from the import, when the
platform learns of it."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentEvent, WithdrawalDuty
from consents.selectors import consent_check
from consents.services import consents_import_csv
from deadlines.policy import LOCAL_TZ
from tests.consents.factories import make_purpose, make_recipient
from tests.consents.import_files import IMPORTER, csv_lines
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
# Before every date the legacy files give.
IN_FORCE_BEFORE_THE_FILES = datetime(2023, 1, 1, tzinfo=LOCAL_TZ)


@pytest.fixture
def marketing():
    return make_purpose("marketing", category="marketing", recipients=[make_recipient("Partner Insurance")],
                        effective_at=IN_FORCE_BEFORE_THE_FILES)


def test_a_legacy_withdrawal_ends_the_consent_on_its_day_and_its_stops_run_from_the_import(marketing):
    a = make_subject()
    now = timezone.now()
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", now=now, lines=csv_lines(
        f"{a.external_ref},marketing,v1,paper_form,SCAN-1,2024-01-10,,,granted",
        f"{a.external_ref},marketing,v1,paper_form,SCAN-2,2024-06-10,,,withdrawn",
    ))

    assert (run.imported, run.withdrawals_recorded, run.refused) == (1, 1, 0), run.errors
    assert consent_check(subject_ref=a.external_ref, purpose_code="marketing").reason == "withdrawn"
    consent = Consent.objects.get(subject=a)
    assert consent.status == "withdrawn"
    assert timezone.localdate(consent.ended_at).isoformat() == "2024-06-10"
    assert timezone.localdate(consent.withdrawn_at).isoformat() == "2024-06-10"
    event = consent.events.get(kind="withdrawn")
    assert timezone.localdate(event.at).isoformat() == "2024-06-10"
    assert (event.channel, event.evidence, event.source) == ("paper_form", "SCAN-2", f"import:{run.pk}")
    (duty,) = WithdrawalDuty.objects.filter(consent=consent)
    # The platform learnt of the withdrawal at the import: the recipients' time runs from there.
    assert duty.received_at == now and duty.due_at > now


@pytest.mark.parametrize("word", ["rút", "Đã rút", unicodedata.normalize("NFD", "đã rút"), "withdraw"])
def test_the_withdrawal_words_are_read_in_both_languages_and_any_unicode_form(marketing, word):
    a = make_subject()
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=csv_lines(
        f"{a.external_ref},marketing,v1,paper_form,SCAN-1,2024-01-10,,,granted",
        f"{a.external_ref},marketing,v1,paper_form,SCAN-2,10/06/2024,,,{word}",
    ))
    assert (run.imported, run.withdrawals_recorded, run.refused) == (1, 1, 0), run.errors
    assert not consent_check(subject_ref=a.external_ref, purpose_code="marketing").allowed


def test_the_same_file_again_records_no_second_withdrawal(marketing):
    a = make_subject()
    lines = csv_lines(f"{a.external_ref},marketing,v1,paper_form,SCAN-1,2024-01-10,,,granted",
                   f"{a.external_ref},marketing,v1,paper_form,SCAN-2,2024-06-10,,,rút")
    consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=lines)

    again = consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=lines)

    assert (again.already_imported, again.refused, again.withdrawals_recorded) == (2, 0, 0), again.errors
    assert ConsentEvent.objects.filter(subject=a, kind="withdrawn").count() == 1


def test_a_withdrawal_with_no_consent_given_before_it_is_refused(marketing):
    a, b, c = make_subject(), make_subject(), make_subject()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=csv_lines(
        f"{a.external_ref},marketing,v1,paper_form,SCAN-1,2024-06-10,,,withdrawn",  # nothing to end
        f"{b.external_ref},marketing,v1,paper_form,SCAN-2,2024-03-01,,,granted",
        f"{b.external_ref},marketing,v1,paper_form,SCAN-3,2024-02-01,,,withdrawn",  # before the consent
        f"{c.external_ref},marketing,v1,paper_form,SCAN-4,2024-03-01,,,granted",
        f"{c.external_ref},marketing,v1,paper_form,SCAN-5,{tomorrow},,,withdrawn",  # in the future
    ))

    assert (run.imported, run.withdrawals_recorded, run.refused) == (2, 0, 3), run.errors
    reasons = {error["line"]: error["reason"] for error in run.errors}
    assert "no consent" in reasons[2].lower()
    assert "2024-03-01" in reasons[4]
    assert "future" in reasons[6]
    assert consent_check(subject_ref=b.external_ref, purpose_code="marketing").allowed


def test_a_withdrawal_older_than_a_later_answer_is_refused(marketing):
    a = make_subject()
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=csv_lines(
        f"{a.external_ref},marketing,v1,paper_form,SCAN-1,2024-01-10,,,granted",
        f"{a.external_ref},marketing,v1,paper_form,SCAN-2,2024-06-10,,,withdrawn",
        f"{a.external_ref},marketing,v1,paper_form,SCAN-3,2024-09-01,,,granted",
        f"{a.external_ref},marketing,v1,paper_form,SCAN-4,2024-07-01,,,withdrawn",  # older than SCAN-3
    ))
    assert (run.imported, run.withdrawals_recorded, run.refused) == (2, 1, 1), run.errors
    assert "2024-09-01" in run.errors[0]["reason"]
    assert consent_check(subject_ref=a.external_ref, purpose_code="marketing").allowed
