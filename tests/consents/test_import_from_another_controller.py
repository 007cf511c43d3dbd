"""A portfolio transferred from another bank (a merger, an acquisition, a division: Law 91/2025 lets the
personal data move with it): the other bank's consent history is imported with where each answer came
from, the controller the customer answered and the version of that controller's notice they read, so
the record never claims the customer read this bank's notice, and stays apart from the bank's own."""

from __future__ import annotations

import pytest
from django.utils import translation

from audit.models import AuditEntry
from consents.models import Consent
from consents.receipts import consent_receipt
from consents.services import consents_import_csv
from core.actors import Actor
from tests.consents.factories import import_lines, local_day_ago, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import")
HEADER = ("subject,purpose,notice_version,channel,evidence,granted_at,sensitive_acknowledged,outcome,"
          "controller,controller_notice_version")


@pytest.fixture
def catalogue():
    make_purpose("marketing", category="marketing")


def test_a_consent_given_to_the_other_bank_keeps_its_origin_on_the_receipt(catalogue):
    theirs, ours = make_subject(), make_subject()
    day = local_day_ago(3)

    run = consents_import_csv(actor=ACTOR, filename="bank-b-cards.csv", lines=import_lines(
        f"{theirs.external_ref},marketing,v1,mobile_app,B-APP-7781,{day},,granted,Ngân hàng B,B-MKT-2024.3",
        f"{ours.external_ref},marketing,v1,paper_form,scan-1,{day},,granted,,",
        header=HEADER,
    ))

    assert (run.imported, run.refused) == (2, 0), run.errors
    transferred = consent_receipt(Consent.objects.get(subject=theirs))["collection"]
    assert transferred["collected_by"] == {"controller": "Ngân hàng B", "notice_version": "B-MKT-2024.3"}
    assert transferred["channel"] == "mobile_app"
    assert "collected_by" not in consent_receipt(Consent.objects.get(subject=ours))["collection"]


def test_the_other_banks_notice_version_is_required_with_its_name(catalogue):
    customer = make_subject()

    with translation.override("en"):
        run = consents_import_csv(actor=ACTOR, filename="bank-b.csv", lines=import_lines(
            f"{customer.external_ref},marketing,v1,branch,B-FORM-1,{local_day_ago(3)},,granted,Ngân hàng B,",
            f"{customer.external_ref},marketing,v1,branch,B-FORM-2,{local_day_ago(2)},,granted,,B-MKT-1",
            header=HEADER,
        ))

    assert (run.imported, run.refused) == (0, 2)
    assert "controller_notice_version" in run.errors[0]["reason"]
    assert "controller" in run.errors[1]["reason"]
    assert not Consent.objects.exists()


def test_the_same_file_again_imports_nothing_twice(catalogue):
    customer = make_subject()
    row = f"{customer.external_ref},marketing,v1,branch,FORM-1,{local_day_ago(3)},,granted"

    first = consents_import_csv(actor=ACTOR, filename="bank-b.csv", lines=import_lines(
        f"{row},Ngân hàng B,B-MKT-1", header=HEADER))
    again = consents_import_csv(actor=ACTOR, filename="bank-b.csv", lines=import_lines(
        f"{row},Ngân hàng B,B-MKT-1", header=HEADER))

    assert (first.imported, again.already_imported) == (1, 1)


def test_the_customer_s_receipt_page_names_the_bank_they_answered(catalogue, customer_a):
    customer = customer_a.customer_account.subject
    consents_import_csv(actor=ACTOR, filename="bank-b.csv", lines=import_lines(
        f"{customer.external_ref},marketing,v1,branch,B-FORM-1,{local_day_ago(3)},,granted,"
        "Ngân hàng B,B-MKT-1",
        header=HEADER,
    ))
    consent = Consent.objects.get(subject=customer)

    page = signed_in(customer_a).get(f"/en/me/consents/{consent.pk}/receipt/").content.decode()

    given_to = page.split('data-testid="receipt-collected-by"')[1].split("</dd>")[0]
    assert "Ngân hàng B" in given_to
    assert "B-MKT-1" in given_to


BANK_B = "Ngân hàng B,B-MKT-1"


def test_a_withdrawal_given_to_the_other_bank_keeps_its_origin_on_its_event(catalogue):
    customer = make_subject()
    consents_import_csv(actor=ACTOR, filename="bank-b.csv", lines=import_lines(
        f"{customer.external_ref},marketing,v1,branch,B-FORM-1,{local_day_ago(5)},,granted,{BANK_B}",
        f"{customer.external_ref},marketing,v1,branch,B-FORM-2,{local_day_ago(2)},,withdrawn,{BANK_B}",
        header=HEADER,
    ))
    consent = Consent.objects.get(subject=customer)

    withdrawal = consent_receipt(consent)["events"][-1]
    assert withdrawal["type"] == "withdrawn"
    assert withdrawal["collected_by"] == {"controller": "Ngân hàng B", "notice_version": "B-MKT-1"}
    entry = AuditEntry.objects.get(action="consents.consent.withdrawn", target_id=str(consent.pk))
    assert entry.data["collected_by"] == {"controller": "Ngân hàng B", "notice_version": "B-MKT-1"}
