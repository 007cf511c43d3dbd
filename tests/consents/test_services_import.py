"""CSV import: bad rows reported by line and reason, good rows imported, a re-run imports nothing twice."""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from consents import services
from consents.models import Consent, ConsentEvent, ConsentImport, ConsentState, Purpose
from consents.selectors import consent_check
from consents.services import consents_import_csv
from core.actors import Actor
from core.errors import InvalidInput
from tests.consents.factories import IMPORTED_ON, child_of, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import")


def _csv(*rows: str) -> list[str]:
    header = "subject,purpose,notice_version,channel,evidence,granted_at,guardian,sensitive_acknowledged"
    return io.StringIO("\n".join([header, *rows]) + "\n").readlines()


@pytest.fixture
def catalogue():
    make_purpose("marketing", category="marketing")
    make_purpose("biometric", category="security", sensitive=True)
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")


def test_good_rows_imported_bad_rows_reported_and_rerun_is_idempotent(catalogue):
    a, b = make_subject(), make_subject()
    parent = make_subject()
    child = child_of(parent, age=10)
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    lines = _csv(
        f"{a.external_ref},marketing,v1,paper_form,scan-001,{day},,",  # 2 ok
        f"{b.external_ref},biometric,v1,branch,scan-002,{day},,yes",  # 3 ok
        f"{b.external_ref},biometric,v1,branch,scan-003,{day},,",  # 4 no acknowledgement
        f"CIF-NOBODY,marketing,v1,branch,scan-004,{day},,",  # 5 unknown customer
        f"{a.external_ref},kyc,v1,branch,scan-005,{day},,",  # 6 not consent-based
        f"{a.external_ref},marketing,v9,branch,scan-006,{day},,",  # 7 wrong notice version
        f"{child.external_ref},marketing,v1,branch,scan-007,{day},{parent.external_ref},",  # 8 child
        f"{a.external_ref},marketing,v1,paper_form,scan-008,{day},,",  # 9 already live (same file)
        f"{a.external_ref},nope,v1,branch,scan-009,not-a-date,,",  # 10 unknown purpose
        f"{b.external_ref},marketing,v1,fax,scan-010,{day},,",  # 11 unknown channel
        f"{b.external_ref},marketing,v1,branch,scan-011,2999-01-01,,",  # 12 future
    )
    run = consents_import_csv(actor=ACTOR, lines=lines, filename="legacy.csv", batch_size=4)
    assert (run.rows, run.imported, run.already_imported, run.refused) == (11, 2, 0, 9)
    assert [e["line"] for e in run.errors] == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    reasons = {e["line"]: e["reason"] for e in run.errors}
    assert "sensitive" in reasons[4] and "customer number" in reasons[5] and "transparency" in reasons[6]
    assert "v9" in reasons[7] and "marketing" in reasons[8] and "live consent" in reasons[9]
    assert "future" in reasons[12]
    assert consent_check(subject_ref=a.external_ref, purpose_code="marketing").allowed
    assert (
        ConsentState.objects.count() == 2
        and ConsentEvent.objects.filter(source=f"import:{run.pk}").count() == 2
    )

    again = consents_import_csv(actor=ACTOR, lines=lines, filename="legacy.csv", batch_size=3)
    assert (again.imported, again.already_imported) == (0, 2)
    assert Consent.objects.count() == 2


def test_missing_columns_refuse_the_whole_file():
    with pytest.raises(InvalidInput) as error:
        consents_import_csv(actor=ACTOR, lines=["subject,purpose\n", "CIF1,marketing\n"], filename="bad.csv")
    assert "notice_version" in error.value.text


def test_management_command_prints_line_numbers(catalogue, dpo, tmp_path, capsys):
    a = make_subject()
    path = tmp_path / "consents.csv"
    path.write_text(
        "".join(_csv(f"{a.external_ref},marketing,v1,branch,scan,{IMPORTED_ON},,",
                     "CIF-X,marketing,v1,branch,,,,")),
        encoding="utf-8",
    )
    call_command("import_consents", str(path), "--operator", dpo.username)
    out = capsys.readouterr().out
    assert "line 3:" in out and "imported=1" in out and "refused=1" in out


@pytest.mark.parametrize(
    "granted_at", ["2026-02-30", "2026-02-30T10:00:00", "0001-01-01", "2026-01-01T25:00"]
)
def test_an_impossible_granted_at_refuses_its_row_and_the_run_finishes(catalogue, granted_at):
    """Pen test, finding 6: parse_date raised ValueError mid-run, leaving a run that never finished."""
    a, b = make_subject(), make_subject()
    lines = _csv(
        f"{a.external_ref},marketing,v1,branch,scan,{granted_at},,",
        f"{b.external_ref},marketing,v1,branch,scan,{IMPORTED_ON},,",
    )

    run = consents_import_csv(actor=ACTOR, lines=lines, filename="legacy.csv")

    assert run.finished_at is not None
    assert (run.imported, run.refused) == (1, 1)
    assert run.errors[0]["line"] == 2 and "granted_at" in run.errors[0]["reason"]


def test_an_over_long_field_stops_the_file_with_a_clear_refusal_and_a_finished_run(catalogue):
    a, b = make_subject(), make_subject()
    lines = _csv(
        f"{a.external_ref},marketing,v1,branch,scan,{IMPORTED_ON},,",
        f"{b.external_ref},marketing,v1,branch,{'x' * 131_073},{IMPORTED_ON},,",
        f"{b.external_ref},biometric,v1,branch,scan,{IMPORTED_ON},,yes",
    )

    with pytest.raises(InvalidInput) as error:
        consents_import_csv(actor=ACTOR, lines=lines, filename="huge.csv")

    assert "Line 3" in error.value.text and "131" in error.value.text
    assert not ConsentImport.objects.filter(finished_at__isnull=True).exists()
    run = ConsentImport.objects.get()
    assert (run.imported, run.refused) == (1, 1) and run.errors[0]["line"] == 3
    assert Consent.objects.count() == 1


def test_the_api_answers_400_for_an_unreadable_file(catalogue, dpo, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = make_subject()
    body = "".join(_csv(f"{a.external_ref},marketing,v1,branch,{'x' * 131_073},,,")).encode()

    response = as_user(dpo).post(
        "/api/v1/consent-imports/?wait=true", {"file": SimpleUploadedFile("huge.csv", body, "text/csv")},
        format="multipart",
    )

    assert response.status_code == 400
    assert any(words in response.json()["file"][0] for words in ("Line 2", "dòng 2"))
    assert not ConsentImport.objects.filter(finished_at__isnull=True).exists()
def test_imported_consents_follow_the_evidence_and_children_rules_and_carry_their_receipt(catalogue):
    from consents.receipts import consent_receipt

    support = make_purpose("support", category="support")
    adult, parent = make_subject(), make_subject()
    child = child_of(parent, age=10)
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    header = (
        "subject,purpose,notice_version,channel,evidence,granted_at,guardian,sensitive_acknowledged,"
        "child_agreed,child_evidence"
    )
    rows = [
        f"{adult.external_ref},marketing,v1,call_centre,,{day},,,,",  # 2 no call recording
        f"{child.external_ref},support,v1,branch,form-1,{day},{parent.external_ref},,,",  # 3 child silent
        f"{child.external_ref},support,v1,branch,form-2,{day},{parent.external_ref},,yes,form-2 child",  # 4
    ]
    lines = io.StringIO("\n".join([header, *rows]) + "\n").readlines()
    run = consents_import_csv(actor=ACTOR, lines=lines, filename="children.csv")
    assert (run.imported, [e["line"] for e in run.errors]) == (1, [2, 3])
    reasons = {e["line"]: e["reason"] for e in run.errors}
    assert "call recording" in reasons[2] and "child_agreed" in reasons[3]
    consent = Consent.objects.get(subject=child, purpose=support)
    assert (consent.child_agreed, consent.child_evidence) == (True, "form-2 child")
    receipt = consent_receipt(consent)
    assert receipt["purpose"]["code"] == "support" and receipt["notice"]["version"] == "v1"


def test_an_old_consent_from_a_file_never_replaces_the_customers_later_withdrawal(catalogue):
    customer = make_subject()
    now = timezone.now()
    consent = grant(customer, Purpose.objects.get(code="marketing"), now=now - timedelta(days=10))
    services.consent_withdraw(actor=ACTOR, consent_id=consent.pk, channel="mobile_app",
                              now=now - timedelta(days=5))
    before = (timezone.localdate() - timedelta(days=20)).isoformat()
    after = (timezone.localdate() - timedelta(days=1)).isoformat()

    run = consents_import_csv(actor=ACTOR, filename="legacy.csv", lines=_csv(
        f"{customer.external_ref},marketing,v1,paper_form,scan-old,{before},,",
    ))

    assert (run.imported, run.refused) == (0, 1)
    assert "later answer" in run.errors[0]["reason"]
    assert consent_check(subject_ref=customer.external_ref, purpose_code="marketing").reason == "withdrawn"

    run = consents_import_csv(actor=ACTOR, filename="newer.csv", lines=_csv(
        f"{customer.external_ref},marketing,v1,paper_form,scan-new,{after},,",
    ))

    assert (run.imported, run.refused) == (1, 0)
    assert consent_check(subject_ref=customer.external_ref, purpose_code="marketing").allowed


def test_an_old_consent_from_a_file_never_replaces_the_customers_later_refusal(catalogue):
    customer = make_subject()
    marketing = Purpose.objects.get(code="marketing")
    services.consent_refuse(actor=ACTOR, request=services.GrantRequest(
        subject=customer, purpose=marketing, notice_version="v1", channel="branch", evidence="form-9",
    ), now=timezone.now() - timedelta(days=2))
    before = (timezone.localdate() - timedelta(days=20)).isoformat()

    run = consents_import_csv(actor=ACTOR, filename="legacy.csv", lines=_csv(
        f"{customer.external_ref},marketing,v1,paper_form,scan-old,{before},,",
    ))

    assert (run.imported, run.refused) == (0, 1)
    assert consent_check(subject_ref=customer.external_ref, purpose_code="marketing").reason == "refused"
    assert ConsentState.objects.get(subject=customer).status == "refused"


@pytest.mark.parametrize("row,field", [
    ("{ref},marketing,v1,mobile_app,app-log-1,,,", "granted_at"),
    ("{ref},marketing,v1,mobile_app,,{day},,", "evidence"),
])
def test_an_imported_row_must_say_when_and_on_what_proof_the_customer_consented(catalogue, row, field):
    customer = make_subject()
    day = (timezone.localdate() - timedelta(days=3)).isoformat()

    run = consents_import_csv(actor=ACTOR, filename="thin.csv",
                              lines=_csv(row.format(ref=customer.external_ref, day=day)))

    assert (run.imported, run.refused) == (0, 1)
    assert field in run.errors[0]["reason"]
    assert not Consent.objects.filter(subject=customer).exists()


def test_a_file_without_the_date_or_evidence_columns_is_refused_whole(catalogue):
    with pytest.raises(InvalidInput) as refused:
        consents_import_csv(actor=ACTOR, filename="old-format.csv", lines=[
            "subject,purpose,notice_version,channel\n", "CIF1,marketing,v1,branch\n",
        ])
    assert "evidence" in str(refused.value.text) and "granted_at" in str(refused.value.text)


def test_a_row_dated_the_day_of_the_withdrawal_does_not_undo_it(catalogue):
    """A date without a time cannot be placed before or after a withdrawal made that day: the later
    answer wins, so the paper form is refused."""
    customer = make_subject()
    day = timezone.localdate() - timedelta(days=3)
    morning = timezone.make_aware(datetime.combine(day, time(8, 0)))
    consent = grant(customer, Purpose.objects.get(code="marketing"), now=morning - timedelta(days=7))
    services.consent_withdraw(actor=ACTOR, consent_id=consent.pk, channel="branch", now=morning)

    run = consents_import_csv(actor=ACTOR, filename="same-day.csv", lines=_csv(
        f"{customer.external_ref},marketing,v1,paper_form,scan-same-day,{day.isoformat()},,",
    ))

    assert (run.imported, run.refused) == (0, 1)
    assert consent_check(subject_ref=customer.external_ref, purpose_code="marketing").reason == "withdrawn"


def test_an_import_row_acknowledging_sensitive_data_with_a_decomposed_co_is_imported():
    """The `outcome` column already reads "từ chối" in either form; "có" (yes) in the yes/no columns
    must be read alike, or the row of a customer who acknowledged is refused as unacknowledged."""
    make_purpose("biometric", category="security", sensitive=True)
    subject = make_subject()
    decomposed_yes = unicodedata.normalize("NFD", "Có")
    lines = io.StringIO(
        "subject,purpose,notice_version,channel,evidence,granted_at,sensitive_acknowledged\n"
        f"{subject.external_ref},biometric,v1,branch,scan-001,{IMPORTED_ON},{decomposed_yes}\n"
    ).readlines()
    run = consents_import_csv(actor=ACTOR, lines=lines, filename="legacy.csv")
    assert (run.imported, run.errors) == (1, [])
    assert Consent.objects.filter(subject=subject, purpose__code="biometric").exists()
