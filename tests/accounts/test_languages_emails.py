"""E-mails in each recipient's own language: customers (request updates, notice announcements) by
their data subject's preference, staff (deadline reminders, the DPO's reports) by their profile's;
Vietnamese when nobody said otherwise."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.languages import language_for_subject, language_for_user, languages_for_users, per_language
from accounts.models import StaffProfile
from consents.services.announcements import announcement_send
from core.actors import Actor
from core.roles import Role
from deadlines.clocks import deadlines_sweep
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from subjects.services import subject_guardian_verify
from tests.consents.factories import STAFF as CONSENT_STAFF
from tests.consents.factories import grant, make_purpose, publish_notice
from tests.dsr.factories import verified_request
from tests.factories import make_customer, make_subject
from tests.jobs.factories import NOW, request_due, staff

pytestmark = pytest.mark.django_db


def deliver(topic: str, *, to: str | None = None):
    """Send the queued e-mails of `topic` (to one address when given) and return them."""
    mail.outbox.clear()
    for message in OutboxMessage.objects.filter(topic=topic, status=OutboxMessage.Status.PENDING):
        if to is None or message.destination == to:
            outbox_deliver(message.pk, now=timezone.now() + timedelta(days=400))
    return list(mail.outbox)


def english(user):
    StaffProfile.objects.create(user=user, preferred_language="en")
    return user


# ---------------------------------------------------------------------------- the helpers


def test_nobody_said_otherwise_means_vietnamese(subject, officer):
    assert subject.preferred_language == "vi"
    assert language_for_subject(subject) == "vi"
    assert language_for_subject(None) == "vi"
    assert language_for_user(officer) == "vi"
    assert languages_for_users([officer.pk]) == {officer.pk: "vi"}


def test_a_customer_login_speaks_its_subjects_language(customer_a, officer):
    subject = customer_a.customer_account.subject
    type(subject).objects.filter(pk=subject.pk).update(preferred_language="en")
    customer_a.refresh_from_db()
    english(officer)
    assert language_for_user(customer_a) == "en"
    assert language_for_user(officer) == "en"


def test_per_language_words_once_per_language():
    from deadlines.models import RequestType

    calls = []
    label = per_language(lambda: calls.append(1) or str(RequestType.ACCESS.label))
    assert label("en") == "Access to personal data"
    assert label("vi") == "Truy cập dữ liệu cá nhân"
    assert label("en") == "Access to personal data"
    assert len(calls) == 2


# ---------------------------------------------------------------------------- customers


def test_request_acknowledgement_in_english_for_an_english_customer():
    subject = make_subject(preferred_language="en")
    request = verified_request(subject)
    (email,) = deliver("dsr.customer.acknowledged")
    reference = request.reference  # the one reference, as on the receipt
    assert f"We are handling your request {reference}. We will answer by" in email.subject
    assert email.body.startswith("Dear customer,")
    assert "Access to personal data" in email.body  # the request type, worded in English too
    assert f"/en/me/requests/{request.pk}/" in email.body  # the link opens the English pages


def test_request_acknowledgement_stays_vietnamese_by_default(subject):
    request = verified_request(subject)
    (email,) = deliver("dsr.customer.acknowledged")
    reference = request.reference  # the one reference, as on the receipt
    assert f"Chúng tôi đang xử lý yêu cầu {reference} của Quý khách. Chúng tôi sẽ trả lời" in email.subject
    assert email.body.startswith("Kính gửi Quý khách,")
    assert "Truy cập dữ liệu cá nhân" in email.body
    assert "/en/" not in email.body


def test_a_childs_request_is_told_to_the_guardian_in_the_guardians_language():
    guardian = make_subject(preferred_language="en")
    child = make_subject(guardian=guardian, preferred_language="vi", email="", date_of_birth=date(2016, 3, 1))
    subject_guardian_verify(actor=Actor.system("tests"), subject_id=child.pk, evidence="birth-cert-2")
    verified_request(child, guardian=guardian)
    (email,) = deliver("dsr.customer.acknowledged")
    assert email.to == [guardian.email]
    assert "We are handling your request" in email.subject


def test_notice_announcement_reaches_each_customer_in_their_language():
    now = NOW
    purpose = make_purpose("marketing-lang", effective_at=now - timedelta(days=30))
    english_customer = make_subject(preferred_language="en")
    vietnamese_customer = make_subject()
    for customer in (english_customer, vietnamese_customer):
        grant(customer, purpose, now=now - timedelta(days=5))
    notice = publish_notice(
        purpose.code, "v2", effective_at=now + timedelta(days=10), now=now, actor=CONSENT_STAFF
    )
    announcement_send(
        actor=CONSENT_STAFF, announcement_id=notice.announcement.pk, now=now + timedelta(days=3)
    )

    (email,) = deliver("consents.notice.announced", to=english_customer.email)
    assert email.subject == "Changes to the notice: Purpose marketing-lang, from 22/03/2026"
    assert "New text" in email.body and "Nội dung mới" not in email.body
    assert "You do not need to do anything." in email.body

    (email,) = deliver("consents.notice.announced", to=vietnamese_customer.email)
    assert email.subject == "Thay đổi thông báo: Mục đích marketing-lang, từ ngày 22/03/2026"
    assert "Nội dung mới" in email.body and "New text" not in email.body


# ---------------------------------------------------------------------------- staff


@pytest.fixture
def reminded(subject):
    """Anna (reads English) and Binh (Vietnamese), each reminded by the sweep of a request due in 20 hours."""
    anna = english(staff("anna", Role.OFFICER))
    binh = staff("binh", Role.OFFICER)
    request_due(subject, due_at=NOW + timedelta(hours=20), assignee=anna)
    request_due(subject, due_at=NOW + timedelta(hours=20), assignee=binh)
    deadlines_sweep(now=NOW)
    return anna, binh


def test_deadline_reminders_in_each_staff_members_language(reminded):
    anna, binh = reminded

    (email,) = deliver("deadline.reminder", to=anna.email)
    assert email.subject.endswith("1 deadline within 24 hours")
    assert "A reminder: these deadlines" in email.body
    (email,) = deliver("deadline.reminder", to=binh.email)
    assert "A reminder" not in email.body and "24" in email.subject
    assert "deadline within" not in email.subject


def test_deadline_reminders_link_to_the_page_in_each_staff_members_language(reminded):
    """The link leads to the request page at its address in the reader's language, not the sweep's."""
    anna, binh = reminded

    links = {
        message.destination: [item["link"] for item in json.loads(message.payload)["context"]["items"]]
        for message in OutboxMessage.objects.filter(topic="deadline.reminder")
    }
    site = settings.SITE_URL.rstrip("/")
    assert [link.startswith(f"{site}/en/portal/") for link in links[anna.email]] == [True]
    assert [link.startswith(f"{site}/portal/") for link in links[binh.email]] == [True]


def test_the_dpo_gets_reports_in_their_own_language():
    english(staff("dpo_en", Role.DPO))
    staff("dpo_vi", Role.DPO)
    assert report_send(kind="daily", now=NOW) == 2

    (email,) = deliver("report.deadlines.daily", to="dpo_en@bank.test")
    assert "Daily deadline report" in email.subject
    assert "Open requests" in email.body
    (email,) = deliver("report.deadlines.daily", to="dpo_vi@bank.test")
    assert "Daily deadline report" not in email.subject
    assert "Yêu cầu đang mở" in email.body


def test_the_dpos_audit_alert_follows_their_language(monkeypatch):
    from audit import services as audit_services
    from audit.selectors import ChainVerification

    english(staff("dpo_en", Role.DPO))
    result = ChainVerification(valid=False, entries=3, first_invalid=2, reason="hash")
    monkeypatch.setattr("audit.services.chain.audit_chain_verify", lambda **kwargs: result)
    audit_services.audit_chain_check(actor=Actor.system("tests"))
    message = OutboxMessage.objects.get(topic="audit.chain.broken")
    assert '"language": "en"' in message.payload


def test_a_customer_login_and_its_subject_agree(customer_a):
    assert language_for_user(customer_a) == language_for_subject(customer_a.customer_account.subject) == "vi"
    assert language_for_user(make_customer(subject=make_subject(preferred_language="en"))) == "en"
