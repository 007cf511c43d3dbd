"""An imported consent was given by the customer on a form and transcribed by the bank: the customer's
receipt says so (not "the bank's system, automatically"), and the bank's copy names who ran the import,
the management command included (review 30a, D3)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Consent
from consents.receipts import consent_receipt
from consents.services import consent_grant, consents_import_csv
from consents.services.rules import GrantRequest
from core.actors import Actor, actor_for_user
from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at\n"


def _row(subject, day) -> str:
    return f"{subject.external_ref},marketing,v1,branch,FORM-HN-0042,{day.isoformat()}\n"


@pytest.mark.parametrize("importer", ["dpo", "command"])
def test_the_customers_receipt_says_the_bank_transcribed_the_form(importer, dpo):
    make_purpose("marketing", category="marketing")
    a = make_subject()
    day = timezone.localdate() - timedelta(days=3)
    actor = actor_for_user(dpo) if importer == "dpo" else Actor.system("import_consents")
    run = consents_import_csv(actor=actor, filename="legacy.csv", lines=io.StringIO(HEADER + _row(a, day)))
    assert run.imported == 1, run.errors
    consent = Consent.objects.get(subject=a)
    receipt = consent_receipt(consent, for_customer=True, reader=a)
    expected = f"the bank, transcribing the customer's branch consent of {day:%d/%m/%Y}"
    assert receipt["collection"]["recorded_by"] == expected
    assert receipt["events"][0]["actor"] == expected
    staff_copy = consent_receipt(consent)
    assert staff_copy["collection"]["recorded_by"] == actor.label


def test_a_consent_recorded_at_a_branch_still_reads_bank_staff(officer):
    purpose = make_purpose("marketing", category="marketing")
    a = make_subject()
    consent = consent_grant(
        actor=actor_for_user(officer),
        request=GrantRequest(
            subject=a, purpose=purpose, notice_version="v1", channel="branch", evidence="FORM-1"
        ),
    )
    receipt = consent_receipt(consent, for_customer=True, reader=a)
    assert receipt["collection"]["recorded_by"] == "bank staff at a branch"


def _file(tmp_path) -> str:
    path = tmp_path / "consents.csv"
    path.write_text(HEADER + _row(make_subject(), timezone.localdate() - timedelta(days=3)), encoding="utf-8")
    return str(path)


def test_the_command_records_the_operator_who_ran_it(dpo, tmp_path):
    make_purpose("marketing", category="marketing")
    call_command("import_consents", _file(tmp_path), "--operator", dpo.username, stdout=io.StringIO())
    consent = Consent.objects.get()
    assert (consent.recorded_by_user_id, consent.recorded_by_label) == (dpo.pk, dpo.username)
    entries = AuditEntry.objects.filter(action__startswith="consents.import.")
    assert entries.exists() and all(e.actor_user_id == dpo.pk for e in entries)


def test_the_command_refuses_to_run_for_no_one_known(dpo, officer, customer_a, tmp_path):
    make_purpose("marketing", category="marketing")
    path = _file(tmp_path)
    with pytest.raises(CommandError):
        call_command("import_consents", path, stdout=io.StringIO())  # --operator is required
    with pytest.raises(CommandError, match="no-such-user"):
        call_command("import_consents", path, "--operator", "no-such-user", stdout=io.StringIO())
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_consents", path, "--operator", officer.username, stdout=io.StringIO())
    dpo.is_active = False
    dpo.save()
    with pytest.raises(CommandError, match="not active"):
        call_command("import_consents", path, "--operator", dpo.username, stdout=io.StringIO())
    assert not Consent.objects.exists()
