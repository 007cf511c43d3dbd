"""CSV import of refusals: an `outcome` column records a customer's "no" from a paper form, with the
same proof and rules as a grant, through the refusal service the pages use."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import Consent, ConsentEvent, ConsentState, Purpose
from consents.receipts import consent_receipt
from consents.selectors import consent_check, consent_check_as_of
from consents.services import consent_import_run, consents_import_csv
from core.actors import Actor
from tests.consents.factories import grant, import_lines, local_day_ago, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import")


@pytest.fixture
def catalogue():
    make_purpose("marketing", category="marketing")
    make_purpose("biometric", category="security", sensitive=True)
    make_purpose("sharing", category="sharing")


def test_a_refusal_row_is_recorded_as_the_customers_dated_no_and_counted_apart(catalogue):
    a, b, c = make_subject(), make_subject(), make_subject()
    day = local_day_ago(3)
    run = consents_import_csv(actor=ACTOR, filename="forms.csv", lines=import_lines(
        f"{a.external_ref},marketing,v1,paper_form,scan-1,{day},,refused",
        f"{a.external_ref},sharing,v1,paper_form,scan-1,{day},,granted",
        f"{b.external_ref},marketing,v1,paper_form,scan-2,{day},,Từ chối",
        f"{b.external_ref},biometric,v1,paper_form,scan-2,{day},,từ chối",  # no acknowledgement to say no
        f"{c.external_ref},marketing,v1,paper_form,scan-3,{day},,đồng ý",
        f"{c.external_ref},sharing,v1,paper_form,scan-3,{day},,granted",  # written out: blank is no consent
    ))

    assert (run.rows, run.imported, run.refusals_recorded, run.refused) == (6, 3, 3, 0), run.errors
    for customer, code in ((a, "marketing"), (b, "marketing"), (b, "biometric")):
        assert consent_check(subject_ref=customer.external_ref, purpose_code=code).reason == "refused"
        refusal = Consent.objects.get(subject=customer, purpose__code=code)
        assert refusal.status == "refused" and refusal.channel == "paper_form" and refusal.evidence
        assert timezone.localdate(refusal.granted_at).isoformat() == day  # the day the customer said no
        event = refusal.events.get()
        assert (event.kind, event.at, event.source) == ("refused", refusal.granted_at, f"import:{run.pk}")
        assert consent_receipt(refusal)["refused_at"] is not None
    assert consent_check(subject_ref=c.external_ref, purpose_code="marketing").allowed
    assert consent_check(subject_ref=a.external_ref, purpose_code="sharing").allowed
    # The audit trail says when the bank recorded each refusal, not the day on the form.
    audited = AuditEntry.objects.filter(action="consents.consent.refused")
    assert audited.count() == 3
    assert all(e.recorded_at > timezone.now() - timedelta(hours=1) for e in audited)
    assert {e.data["source"] for e in audited} == {f"import:{run.pk}"}

    again = consents_import_csv(actor=ACTOR, filename="forms.csv", lines=import_lines(
        f"{a.external_ref},marketing,v1,paper_form,scan-1,{day},,refused",
        f"{a.external_ref},sharing,v1,paper_form,scan-1,{day},,granted",
    ))
    assert (again.imported, again.refusals_recorded, again.already_imported) == (0, 0, 2)
    assert Consent.objects.count() == 6


def test_a_refusal_row_follows_the_rules_of_a_grant(catalogue):
    """Date and evidence required, the notice in effect that day, never on or before the customer's
    last answer; a customer with a live consent who said no later must withdraw it (recipients told)."""
    customer, other, live = make_subject(), make_subject(), make_subject()
    marketing = Purpose.objects.get(code="marketing")
    consent = grant(customer, marketing, now=timezone.now() - timedelta(days=10))
    services.consent_withdraw(actor=ACTOR, consent_id=consent.pk, channel="branch",
                              now=timezone.now() - timedelta(days=5))
    grant(live, marketing, now=timezone.now() - timedelta(days=10))

    run = consents_import_csv(actor=ACTOR, filename="forms.csv", lines=import_lines(
        # 2: before the withdrawal
        f"{customer.external_ref},marketing,v1,paper_form,scan-1,{local_day_ago(20)},,refused",
        f"{other.external_ref},marketing,v1,paper_form,,{local_day_ago(3)},,refused",  # 3 no evidence
        f"{other.external_ref},marketing,v1,paper_form,scan-2,,,refused",  # 4 no date
        f"{other.external_ref},marketing,v9,paper_form,scan-2,{local_day_ago(3)},,refused",  # 5 wrong version
        f"{other.external_ref},marketing,v1,paper_form,scan-2,{local_day_ago(3)},,maybe",  # 6 unknown outcome
        f"{live.external_ref},marketing,v1,paper_form,scan-3,{local_day_ago(2)},,refused",  # 7 live consent
        f"{other.external_ref},marketing,v1,fax,scan-2,{local_day_ago(3)},,refused",  # 8 unknown channel
    ))

    assert (run.imported, run.refusals_recorded, run.refused) == (0, 0, 7)
    reasons = {e["line"]: e["reason"] for e in run.errors}
    assert "later answer" in reasons[2] and "evidence" in reasons[3] and "granted_at" in reasons[4]
    assert "v9" in reasons[5] and "outcome" in reasons[6] and "refused" in reasons[6]
    assert "withdraw" in reasons[7] and "channel" in reasons[8]
    assert not Consent.objects.filter(status="refused").exists()
    assert consent_check(subject_ref=live.external_ref, purpose_code="marketing").allowed


def test_answers_in_one_file_are_judged_in_date_order_of_the_customer(catalogue):
    """A refusal then a later yes in the same file: both kept, the yes stands. A yes then an older no:
    the no cannot overturn it."""
    first, second = make_subject(), make_subject()
    run = consents_import_csv(actor=ACTOR, filename="forms.csv", batch_size=10, lines=import_lines(
        f"{first.external_ref},marketing,v1,paper_form,scan-1,{local_day_ago(9)},,refused",
        f"{first.external_ref},marketing,v1,paper_form,scan-2,{local_day_ago(4)},,granted",
        f"{second.external_ref},marketing,v1,paper_form,scan-3,{local_day_ago(4)},,granted",
        f"{second.external_ref},marketing,v1,paper_form,scan-4,{local_day_ago(9)},,refused",
    ))

    assert (run.imported, run.refusals_recorded, [e["line"] for e in run.errors]) == (2, 1, [5])
    assert "later answer" in run.errors[0]["reason"]
    assert consent_check(subject_ref=first.external_ref, purpose_code="marketing").allowed
    assert ConsentState.objects.get(subject=first).status == "granted"
    as_of = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=6), time(12)))
    then = consent_check_as_of(subject_ref=first.external_ref, purpose_code="marketing", at=as_of)
    assert then.reason == "refused"
    assert ConsentEvent.objects.filter(subject=first).count() == 2


def test_a_file_imported_before_the_outcome_column_keeps_its_row_keys(catalogue):
    customer = make_subject()
    old_header = "subject,purpose,notice_version,channel,evidence,granted_at,sensitive_acknowledged"
    row = f"{customer.external_ref},marketing,v1,paper_form,scan-1,{local_day_ago(3)},"
    consents_import_csv(actor=ACTOR, filename="old.csv", lines=import_lines(row, header=old_header))

    again = consents_import_csv(actor=ACTOR, filename="new.csv", lines=import_lines(f"{row},granted"))

    assert (again.imported, again.already_imported, again.refused) == (0, 1, 0)


def test_the_import_page_explains_the_outcome_column_and_counts_refusals(dpo, catalogue):
    customer = make_subject()
    client = signed_in(dpo)
    form = client.get("/en/portal/consents/import/").content.decode()
    assert "outcome" in form and "refused" in form

    upload = SimpleUploadedFile("forms.csv", "".join(import_lines(
        f"{customer.external_ref},marketing,v1,paper_form,scan-1,{local_day_ago(3)},,refused",
        f"{customer.external_ref},sharing,v1,paper_form,scan-1,{local_day_ago(3)},,granted",
    )).encode(), content_type="text/csv")
    started = client.post("/en/portal/consents/import/", {"file": upload})
    consent_import_run(job_id=started["Location"].rstrip("/").rsplit("/", 1)[-1])

    result = client.get(started["Location"]).content.decode()
    assert "1 imported" in result and "1 refusals recorded" in result and "0 rows rejected" in result


def test_the_api_import_answers_with_the_refusals_recorded(dpo, catalogue, as_user):
    customer = make_subject()
    row = f"{customer.external_ref},marketing,v1,paper_form,scan-1,{local_day_ago(3)},,refused"
    body = "".join(import_lines(row))

    response = as_user(dpo).post(
        "/api/v1/consent-imports/?wait=true",
        {"file": SimpleUploadedFile("forms.csv", body.encode(), "text/csv")}, format="multipart",
    )

    assert response.status_code == 201
    assert (response.json()["imported"], response.json()["refusals_recorded"]) == (0, 1)
