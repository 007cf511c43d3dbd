"""Consents pages: the customer's switches and withdrawal confirmation, the staff desk, the DPO pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consents import services
from consents.models import Consent, WithdrawalDuty
from consents.selectors import consent_check
from consents.services import consent_import_run
from tests.consents.factories import (
    IMPORTED_ON,
    SYSTEM,
    announce_on_time,
    child_of,
    grant,
    make_purpose,
    make_recipient,
    publish_notice,
)
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(catalogue):
    return {**catalogue, "kyc": make_purpose("kyc", legal_basis="legal_obligation", category="compliance")}


def test_customer_switches_on_withdraws_after_confirmation(customer_a, catalogue):
    subject = customer_a.customer_account.subject
    client = signed_in(customer_a)
    page = client.get("/en/me/consents/")
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        "Sensitive data" in body
        and "shown for transparency" in body
        and 'data-testid="switch-kyc"' not in body
    )

    on = {"on": "1", "confirmed": "1", "notice_version": "v1"}
    client.post("/en/me/consents/marketing/", on)
    assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing").allowed

    refused = client.post("/en/me/consents/biometric/", on, follow=True)
    assert (
        "sensitive" in refused.content.decode()
        and not Consent.objects.filter(purpose__code="biometric").exists()
    )
    client.post("/en/me/consents/biometric/", {**on, "sensitive_acknowledged": "1"})
    assert consent_check(subject_ref=subject.external_ref, purpose_code="biometric").allowed

    client.post("/en/me/consents/sharing/", on)
    off = client.post("/en/me/consents/sharing/", {}, follow=True)  # switch moved off: confirmation first
    text = off.content.decode()
    assert "What happens if you withdraw" in text and "Bảo hiểm Đối tác" in text and "72 hours" in text
    assert consent_check(subject_ref=subject.external_ref, purpose_code="sharing").allowed
    client.post("/en/me/consents/sharing/withdraw/", {"reason": ""})
    assert consent_check(subject_ref=subject.external_ref, purpose_code="sharing").reason == "withdrawn"
    assert WithdrawalDuty.objects.filter(consent__subject=subject).count() == 1

    consent = Consent.objects.filter(subject=subject, purpose__code="marketing").get()
    receipt = client.get(f"/en/me/consents/{consent.pk}/receipt/")
    assert receipt.status_code == 200 and "Consent receipt" in receipt.content.decode()


def test_customer_cannot_open_someone_elses_receipt(customer_a, customer_b, catalogue):
    theirs = grant(customer_b.customer_account.subject, catalogue["marketing"])
    assert signed_in(customer_a).get(f"/en/me/consents/{theirs.pk}/receipt/").status_code == 404


def test_vietnamese_is_the_default_language(customer_a, catalogue):
    page = signed_in(customer_a).get("/me/consents/")
    assert page.status_code == 200 and "Mục đích marketing" in page.content.decode()


def test_staff_records_and_withdraws_from_the_customer_page(officer, subject, catalogue):
    client = signed_in(officer)
    detail = client.get(f"/en/portal/customers/{subject.pk}/")
    assert detail.status_code == 200 and 'data-testid="consent-panel"' in detail.content.decode()
    response = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        {"answer_biometric": "yes", "version_biometric": "v1",
            "answered_by": "customer", "notice_given": "read_out",
            "channel": "branch", "evidence": "form 12"},
    )
    assert response.status_code == 200 and "sensitive" in response.content.decode()
    response = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        {
            "answer_biometric": "yes",
            "version_biometric": "v1",
            "answered_by": "customer", "notice_given": "read_out", "channel": "branch",
            "evidence": "form 12",
            "sensitive_biometric": "on",
        },
    )
    consent = Consent.objects.get(subject=subject)
    assert response.status_code == 302 and response.url.endswith(f"/portal/consents/{consent.pk}/receipt/")
    assert client.get(response.url).status_code == 200
    timeline = client.get(f"/en/portal/customers/{subject.pk}/").content.decode()
    assert "Granted" in timeline
    confirm = client.get(f"/en/portal/consents/{consent.pk}/withdraw/")
    assert "Tell the customer what happens" in confirm.content.decode()
    client.post(
        f"/en/portal/consents/{consent.pk}/withdraw/",
        {"asked_by": "customer", "channel": "branch", "evidence": "F-13", "reason": "asked at counter"},
    )
    consent.refresh_from_db()
    assert consent.status == "withdrawn"


def test_dpo_pages(dpo, officer, subject, catalogue):
    client = signed_in(dpo)
    assert client.get("/en/portal/purposes/").status_code == 200
    created = client.post(
        "/en/portal/purposes/new/",
        {
            "code": "analytics",
            "name_vi": "Phân tích",
            "name_en": "Analytics",
            "description_vi": "Mô tả",
            "description_en": "Description",
            "category": "analytics",
            "legal_basis": "consent",
            "active": "on",
            "notice_version": "v1",
        },
    )
    assert created.status_code == 302
    grant(subject, catalogue["marketing"], now=timezone.now() - timedelta(minutes=10))
    # A material version that took effect a minute ago, announced 31 days before.
    publish_notice(
        "marketing", "v2", effective_at=timezone.now() - timedelta(minutes=1), material=True,
        now=timezone.now() - timedelta(days=31, minutes=2),
    )
    announce_on_time("marketing")
    wider = {"version": "v3", "text_vi": "Mở rộng kênh", "text_en": "More channels", "material": "on"}
    too_soon = client.post("/en/portal/purposes/marketing/notices/new/", wider)
    assert too_soon.status_code == 200 and "30 days" in too_soon.content.decode()
    later = timezone.localtime(timezone.now() + timedelta(days=31)).strftime("%Y-%m-%dT%H:%M")
    published = client.post("/en/portal/purposes/marketing/notices/new/", {**wider, "effective_at": later})
    assert published.status_code == 302
    ask = client.get("/en/portal/purposes/marketing/ask-again/").content.decode()
    assert subject.external_ref in ask
    assert client.get("/en/portal/recipients/").status_code == 200
    assert (
        client.post(
            "/en/portal/recipients/", {"name": "CIC", "kind": "credit_bureau", "country": "VN"}
        ).status_code
        == 302
    )
    upload = SimpleUploadedFile(
        "legacy.csv",
        (
            "subject,purpose,notice_version,channel,evidence,granted_at\n"
            f"{subject.external_ref},sharing,v1,paper_form,scan-1,{IMPORTED_ON}\n"
            f"CIF-NONE,sharing,v1,paper_form,scan-2,{IMPORTED_ON}\n"
        ).encode(),
        content_type="text/csv",
    )
    started = client.post("/en/portal/consents/import/", {"file": upload})
    assert started.status_code == 302 and "/portal/consents/import/" in started["Location"]
    job_page = client.get(started["Location"]).content.decode()
    assert 'role="progressbar"' in job_page and 'aria-valuenow="0"' in job_page
    consent_import_run(job_id=started["Location"].rstrip("/").rsplit("/", 1)[-1])
    result = client.get(started["Location"]).content.decode()
    assert "1 imported" in result and "<td>3</td>" in result and 'aria-valuenow="100"' in result
    assert client.get("/en/portal/withdrawal-duties/").status_code == 200
    assert signed_in(officer).get("/en/portal/purposes/new/").status_code == 403
    assert signed_in(officer).get("/en/portal/consents/import/").status_code == 403


def test_staff_acknowledges_a_duty(privacy_officer, catalogue):
    from consents import services
    from tests.consents.factories import STAFF

    consent = grant(purpose=catalogue["sharing"])
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    duty = WithdrawalDuty.objects.get()
    client = signed_in(privacy_officer)
    assert consent.subject.external_ref in client.get("/en/portal/withdrawal-duties/").content.decode()
    client.post(f"/en/portal/withdrawal-duties/{duty.pk}/acknowledge/", {"note": "letter"})
    duty.refresh_from_db()
    assert duty.status == "acknowledged" and duty.acknowledgement_note == "letter"


def test_guardian_manages_a_wards_consents_on_their_own_page(customer_a, customer_b, catalogue):
    parent = customer_a.customer_account.subject
    child = child_of(parent, age=5)
    unverified = child_of(parent, age=9, verified=False)
    client = signed_in(customer_a)
    page = client.get("/en/me/consents/").content.decode()
    assert f'data-testid="ward-{child.external_ref}"' in page
    assert f'data-testid="ward-{unverified.external_ref}"' not in page  # authority not verified yet

    agree = {"on": "1", "confirmed": "1", "notice_version": "v1", "ward": str(child.pk)}
    client.post("/en/me/consents/sharing/", agree)
    consent = Consent.objects.get(subject=child, purpose__code="sharing")
    assert consent.guardian_id == parent.pk
    refused = client.post(
        "/en/me/consents/marketing/", agree, follow=True
    )
    assert "never used for marketing" in refused.content.decode()
    assert not Consent.objects.filter(subject=child, purpose__code="marketing").exists()

    confirm = client.get(f"/en/me/consents/sharing/withdraw/?ward={child.pk}").content.decode()
    assert "as guardian of" in confirm
    client.post(f"/en/me/consents/sharing/withdraw/?ward={child.pk}", {})
    consent.refresh_from_db()
    assert consent.status == "withdrawn"
    assert client.get(f"/en/me/consents/{consent.pk}/receipt/").status_code == 200

    other = signed_in(customer_b)
    assert other.post("/en/me/consents/sharing/", {"on": "1", "ward": str(child.pk)}).status_code == 404
    assert other.get(f"/en/me/consents/{consent.pk}/receipt/").status_code == 404
    assert client.post("/en/me/consents/sharing/", {"on": "1", "ward": "not-a-uuid"}).status_code == 404


def test_customer_reads_the_notice_before_agreeing_and_the_grant_records_that_version(customer_a, catalogue):
    subject = customer_a.customer_account.subject
    client = signed_in(customer_a)
    page = client.get("/en/me/consents/").content.decode()
    card = page[page.index('data-testid="purpose-marketing"') :]
    card = card[: card.index("</article>")]
    # The notice (in the customer's language) comes before the switch, with the version it is.
    assert card.index('data-testid="notice-marketing"') < card.index('data-testid="switch-marketing"')
    assert "Description" in card and 'name="notice_version" value="v1"' in card
    vietnamese = client.get("/me/consents/").content.decode()
    assert "Mô tả" in vietnamese
    refused = client.post("/en/me/consents/marketing/", {"on": "1", "confirmed": "1"}, follow=True)
    assert "notice version" in refused.content.decode()
    assert not Consent.objects.exists()
    client.post(
        "/en/me/consents/marketing/",
        {"on": "1", "confirmed": "1", "notice_version": "v1"},
        HTTP_USER_AGENT="Firefox on Android",
    )
    consent = Consent.objects.get(subject=subject)
    assert (consent.notice.version, consent.channel, consent.device) == (
        "v1",
        "internet_banking",
        "Firefox on Android",
    )
    assert len(consent.session_ref) == 16
    page = client.get("/en/me/consents/").content.decode()
    assert 'data-testid="notice-marketing"' not in page  # agreed: the switch is on, no notice to read


def test_customer_sees_a_scheduled_widening_and_then_is_asked_again(customer_a, catalogue):
    from consents.services.announcements import announcement_send

    subject = customer_a.customer_account.subject
    grant(subject, catalogue["sharing"], now=timezone.now() - timedelta(days=10))
    services.purpose_update(
        actor=SYSTEM,
        code="sharing",
        changes={"cross_border": True, "destination_country": "KR"},
        recipients=[
            *catalogue["sharing"].recipients.all(),
            make_recipient("Korea Head Office", kind="foreign_head_office"),
        ],
        effective_at=timezone.now() + timedelta(days=31),
    )
    notice = catalogue["sharing"].notices.order_by("-effective_at").first()
    announcement_send(actor=SYSTEM, announcement_id=notice.announcement.pk)
    client = signed_in(customer_a)
    page = client.get("/en/me/consents/").content.decode()
    assert 'data-testid="notice-banner"' in page and 'data-testid="upcoming-sharing"' in page
    assert "ask for your consent again" in page
    # Once in effect the purpose has its new scope and the check refuses until the customer agrees again.
    later = timezone.now() + timedelta(days=32)
    assert services.purpose_versions_apply_due(now=later) == 1
    assert (
        consent_check(subject_ref=subject.external_ref, purpose_code="sharing", now=later).reason
        == "reconsent_required"
    )


def test_staff_grant_page_shows_the_scripts_and_needs_evidence(officer, subject, catalogue):
    client = signed_in(officer)
    page = client.get(f"/en/portal/customers/{subject.pk}/consents/new/").content.decode()
    assert 'data-testid="script-marketing"' in page and 'data-testid="script-kyc"' not in page
    refused = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        {"answer_marketing": "yes", "version_marketing": "v1",
            "answered_by": "customer", "notice_given": "read_out",
            "channel": "call_centre"},
    )
    assert refused.status_code == 200 and "call recording" in refused.content.decode()
    ok = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        {
            "answer_marketing": "yes",
            "version_marketing": "v1",
            "answered_by": "customer", "notice_given": "read_out", "channel": "call_centre",
            "evidence": "REC-2026-77",
        },
    )
    assert ok.status_code == 302
    assert Consent.objects.get(subject=subject).evidence == "REC-2026-77"


def test_withdrawal_consequences_are_true_and_editable_per_language(customer_a, catalogue):
    subject = customer_a.customer_account.subject
    grant(subject, catalogue["biometric"], sensitive_acknowledged=True)
    grant(subject, catalogue["marketing"])
    client = signed_in(customer_a)
    biometric = client.get("/en/me/consents/biometric/withdraw/").content.decode()
    assert "OTP" not in biometric
    assert "10 million VND" in biometric and "20 million" in biometric and "branch" in biometric
    services.purpose_update(
        actor=SYSTEM,
        code="marketing",
        changes={
            "consequences_vi": "Bạn sẽ không nhận ưu đãi riêng.",
            "consequences_en": "No more personal offers.",
        },
    )
    assert "No more personal offers." in client.get("/en/me/consents/marketing/withdraw/").content.decode()
    assert (
        "Bạn sẽ không nhận ưu đãi riêng." in client.get("/me/consents/marketing/withdraw/").content.decode()
    )


def test_each_event_has_a_receipt_the_customer_downloads(customer_a, catalogue):
    subject = customer_a.customer_account.subject
    consent = grant(subject, catalogue["marketing"])
    granted_event = consent.events.get()
    services.consent_withdraw(actor=SYSTEM, consent_id=consent.pk, channel="branch")
    client = signed_in(customer_a)
    page = client.get(f"/en/me/consents/{consent.pk}/receipt/").content.decode()
    assert page.count('data-testid="event-receipt"') == 2
    first = client.get(f"/en/me/consents/{consent.pk}/receipt/?event={granted_event.pk}&format=json")
    assert first["Content-Disposition"].startswith("attachment;")
    assert first.json()["state"] == "granted" and first.json()["receipt_id"] == str(granted_event.pk)
    again = client.get(f"/en/me/consents/{consent.pk}/receipt/?event={granted_event.pk}&format=json")
    assert again.content == first.content
    latest = client.get(f"/en/me/consents/{consent.pk}/receipt/?format=json").json()
    assert latest["state"] == "withdrawn" and latest["withdrawn_at"]
    assert client.get(f"/en/me/consents/{consent.pk}/receipt/?event=not-an-event").status_code == 404


def test_the_dpo_sees_a_scheduled_widening_in_the_catalogue(dpo, catalogue):
    services.purpose_update(
        actor=SYSTEM,
        code="sharing",
        changes={"data_categories": ["credit_customer"]},
        effective_at=timezone.now() + timedelta(days=31),
    )
    page = signed_in(dpo).get("/en/portal/purposes/").content.decode()
    assert 'data-testid="scheduled-sharing"' in page and "widening: consent asked again" in page


def test_the_import_job_page_polls_json_and_cancels(dpo, subject, catalogue):
    client = signed_in(dpo)
    upload = SimpleUploadedFile(
        "legacy.csv",
        f"subject,purpose,notice_version,channel,evidence,granted_at\n{subject.external_ref},sharing,v1,branch,"
        f"form-1,{IMPORTED_ON}\n".encode(),
        content_type="text/csv",
    )
    job_url = client.post("/en/portal/consents/import/", {"file": upload})["Location"]
    page = client.get(job_url).content.decode()
    assert f'data-job-progress="{job_url}progress/"' in page and 'role="progressbar"' in page
    assert "<script" in page and "job-progress.js" in page and "onclick" not in page
    progress = client.get(job_url + "progress/").json()
    assert (progress["status"], progress["percent"], progress["finished"]) == ("queued", 0, False)
    assert progress["summary"] == "0 of … rows read, 0 rejected so far."

    cancelled = client.post(job_url + "cancel/", follow=True).content.decode()
    assert "Cancelled" in cancelled and 'data-testid="import-cancel"' not in cancelled
    assert client.get(job_url + "progress/").json()["status"] == "cancelled"
    assert client.post(job_url + "cancel/", follow=True).status_code == 200  # again: a message, not a 500
    assert Consent.objects.count() == 0


def test_the_outcome_of_a_change_is_shown_on_the_purpose_the_customer_comes_back_to(customer_a, catalogue):
    """After a change the page opens at the purpose's card, far below the top of the page on a phone:
    the confirmation stands in that card, not only at the top of the page."""
    client = signed_in(customer_a)
    client.post("/en/me/consents/sharing/", {"on": "1", "confirmed": "1", "notice_version": "v1"})

    answer = client.post("/en/me/consents/sharing/withdraw/", {"reason": ""})
    assert answer["Location"].endswith("#purpose-sharing")
    page = client.get(answer["Location"]).content.decode()

    card = page.split('id="purpose-sharing"', 1)[1].split("</article>", 1)[0]
    assert "is withdrawn from now on" in card
    assert page.count("is withdrawn from now on") == 1


def test_staff_grant_shows_every_error_it_can_know_at_once_summarised_at_the_top(officer, subject, catalogue):
    """UX review: the officer's form showed one error per submit, the second only after fixing the
    first, far down the page. Missing evidence, a sensitive purpose not explicitly accepted and an
    unknown guardian all come back together, in the summary above the form."""
    client = signed_in(officer)
    refused = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        {
            "answer_marketing": "yes",
            "version_marketing": "v1",
            "answer_biometric": "yes",
            "version_biometric": "v1",
            "answered_by": "customer", "notice_given": "read_out", "channel": "branch",
            "guardian_ref": "CIF-NOBODY",
        },
    )
    page = refused.content.decode()
    summary = page.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_evidence"' in summary and "the form number" in summary
    assert 'href="#id_sensitive_biometric"' in summary and "sensitive personal data" in summary
    assert 'href="#id_guardian_ref"' in summary
    assert not Consent.objects.filter(subject=subject).exists()
