"""Regulator pages: DPO and auditor only (auditor read-only), Vietnamese and English, printable
documents and their JSON/CSV downloads."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents.services.announcements import announcement_send
from regulator import services
from regulator.models import Breach, Dossier
from tests.consents.factories import publish_notice
from tests.factories import make_customer
from tests.regulator.factories import (
    DPO,
    breach_page_body,
    customers_with,
    make_breach,
    make_catalogue,
    make_inventory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    make_inventory()
    purposes = make_catalogue(now=timezone.now())
    breach = make_breach(detected_at=timezone.now() - timedelta(hours=3), now=timezone.now())
    services.breach_notify(actor=DPO, breach_id=breach.pk)
    services.dossiers_sync(actor=DPO)
    return {"purposes": purposes, "breach": breach}


def pages(data):
    """The pages' Vietnamese paths (the default language has no prefix; the tests reverse in English)."""
    dossier = Dossier.objects.first()
    return [
        path.removeprefix("/en")
        for path in [
            reverse("regulator:breach_list"),
            reverse("regulator:breach_detail", args=[data["breach"].pk]),
            reverse("regulator:breach_phase", args=[data["breach"].pk, 1]),
            reverse("regulator:dossier_list"),
            reverse("regulator:dossier_detail", args=[dossier.pk]),
            reverse("regulator:processing_record"),
            reverse("regulator:announcement_list"),
        ]
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dpo_and_auditor_see_every_page_in_both_languages(client, dpo, auditor, data, language):
    for user in (dpo, auditor):
        client.force_login(user)
        for path in pages(data):
            url = path if language == "vi" else "/en" + path
            response = client.get(url)
            assert response.status_code == 200, url


def test_english_and_vietnamese_labels_on_form_08(client, dpo, data):
    client.force_login(dpo)
    path = reverse("regulator:breach_phase", args=[data["breach"].pk, 1])
    english = client.get(path).content.decode()
    assert "Likely consequences" in english and "<strong>To:</strong>" in english
    vietnamese = client.get(path.removeprefix("/en")).content.decode()
    assert "Hậu quả có thể xảy ra" in vietnamese
    # An administrative letter opens "Kính gửi:"; "Gửi đến" is the outbox's To column.
    assert "<strong>Kính gửi:</strong>" in vietnamese


def test_officers_and_customers_are_refused(client, officer, data):
    client.force_login(officer)
    for path in pages(data):
        assert client.get(path).status_code == 403, path


def test_auditor_cannot_write(client, auditor, data):
    client.force_login(auditor)
    assert client.post(reverse("regulator:breach_close", args=[data["breach"].pk])).status_code == 403
    assert client.post(reverse("regulator:dossiers_sync")).status_code == 403
    assert client.get(reverse("regulator:breach_new")).status_code == 403


def test_dpo_records_a_breach_through_the_page(client, dpo, data):
    client.force_login(dpo)
    response = client.post(reverse("regulator:breach_new"), breach_page_body())
    assert response.status_code == 302
    assert Breach.objects.filter(title="Phishing of a branch mailbox").exists()
    bad = client.post(reverse("regulator:breach_new"), {"title": "x"})
    assert bad.status_code == 200 and Breach.objects.count() == 2


def test_form_08_dossier_and_record_downloads_are_audited(client, dpo, data):
    client.force_login(dpo)
    form08 = client.get(reverse("regulator:breach_phase", args=[data["breach"].pk, 1]) + "?format=json")
    assert form08["Content-Disposition"].startswith("attachment")
    assert json.loads(form08.content)["form"] == "08"
    dossier = Dossier.objects.first()
    doc = json.loads(
        client.get(reverse("regulator:dossier_detail", args=[dossier.pk]) + "?format=json").content
    )
    assert doc["document"] == "impact_assessment" and doc["change_log"][0]["cause"] == "created"
    csv_body = client.get(reverse("regulator:processing_record") + "?format=csv").content.decode("utf-8-sig")
    assert csv_body.splitlines()[0].startswith("purpose,name_vi")
    record = json.loads(client.get(reverse("regulator:processing_record") + "?format=json").content)
    assert record["document"] == "processing_record"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"regulator.breach.exported", "regulator.dossier.exported", "regulator.record.exported"} <= actions


def test_late_notification_page_asks_for_the_reason(client, dpo, data):
    late = make_breach(
        detected_at=timezone.now() - timedelta(hours=90), now=timezone.now() - timedelta(hours=89)
    )
    client.force_login(dpo)
    response = client.post(reverse("regulator:breach_notify", args=[late.pk]), {})
    assert response.status_code == 400
    response = client.post(
        reverse("regulator:breach_notify", args=[late.pk]), {"late_reason": "Holiday staffing"}
    )
    assert response.status_code == 302
    assert late.phases.get().late is True


def test_a_refused_notification_shows_the_page_with_the_real_customer_count(client, dpo, data):
    customers_with(data["purposes"]["marketing"], 3)
    late = make_breach(
        detected_at=timezone.now() - timedelta(hours=90), now=timezone.now() - timedelta(hours=89)
    )
    client.force_login(dpo)
    page = client.get(reverse("regulator:breach_detail", args=[late.pk]))
    assert page.context["customers"] == 3
    response = client.post(reverse("regulator:breach_notify", args=[late.pk]), {})
    assert response.status_code == 400
    assert response.context["customers"] == 3
    assert response.context["late_now"] is True
    assert response.context["notify_form"].errors
    assert "3 customers are to be told" in response.content.decode()


def test_a_follow_up_of_a_late_notification_starts_from_the_first_reason(client, dpo, data):
    late = make_breach(
        detected_at=timezone.now() - timedelta(hours=90), now=timezone.now() - timedelta(hours=89)
    )
    services.breach_notify(actor=DPO, breach_id=late.pk, late_reason="Holiday staffing")
    client.force_login(dpo)
    page = client.get(reverse("regulator:breach_detail", args=[late.pk]))
    assert page.context["notify_form"].initial == {"late_reason": "Holiday staffing"}
    response = client.post(reverse("regulator:breach_notify", args=[late.pk]), {"new_facts": "More rows"})
    assert response.status_code == 400
    response = client.post(
        reverse("regulator:breach_notify", args=[late.pk]),
        {"new_facts": "More rows", "late_reason": "Holiday staffing"},
    )
    assert response.status_code == 302
    assert late.phases.get(phase=2).late is True
    on_time = data["breach"]
    page = client.get(reverse("regulator:breach_detail", args=[on_time.pk]))
    assert page.context["notify_form"].initial == {}


def test_customer_sees_upcoming_notice_changes(client, data, django_capture_on_commit_callbacks):
    subject = customers_with(data["purposes"]["marketing"], 1)[0]
    user = make_customer(subject=subject, username="cust_reg")
    notice = publish_notice(
        "marketing", "v2", effective_at=timezone.now() + timedelta(days=10), actor=DPO,
        text_en="Changed text",
    )
    with django_capture_on_commit_callbacks():
        announcement_send(actor=DPO, announcement_id=notice.announcement.pk)
    client.force_login(user)
    page = client.get("/en/me/notice-changes/")
    assert page.status_code == 200
    assert "Changed text" in page.content.decode()


def test_dpo_completes_the_facts_and_the_follow_up_reports_them(client, dpo, data):
    client.force_login(dpo)
    breach = data["breach"]
    edit = reverse("regulator:breach_edit", args=[breach.pk]).removeprefix("/en")
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "title": breach.title,
            "description": breach.description,
            "systems": ["core_banking", "crm"],
            "categories": ["accounts"],
            "subjects_affected": 200,
            "records_affected": 900,
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("regulator:breach_notify", args=[breach.pk]).removeprefix("/en"),
        {"new_facts": "The CRM export was affected too."},
    )
    phase = breach.phases.get(phase=2)
    assert phase.document["counts"]["data_subjects"] == 200
    assert [s["code"] for s in phase.document["description"]["systems"]] == ["core_banking", "crm"]


def test_dpo_edits_where_a_purposes_data_lives(client, dpo, auditor, data):
    path = reverse("regulator:activity_edit", args=["marketing"]).removeprefix("/en")
    client.force_login(auditor)
    assert client.get(path).status_code == 403
    client.force_login(dpo)
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "systems": ["crm"],
            "categories": ["contact"],
            "data_subjects": "customers",
            "security_measures": "TLS",
        },
    )
    assert response.status_code == 302
    assert services.dossiers_sync(actor=DPO) == {"created": 0, "versioned": 1}


def test_dpo_sends_an_announcement_from_its_page_and_a_second_send_is_a_message(
    client, dpo, data, django_capture_on_commit_callbacks
):
    customers_with(data["purposes"]["marketing"], 2)
    notice = publish_notice("marketing", "v2", effective_at=timezone.now() + timedelta(days=10), actor=DPO)
    client.force_login(dpo)
    send = reverse("regulator:announcement_send", args=[notice.announcement.pk])
    with django_capture_on_commit_callbacks():
        sent = client.post(send, follow=True)
    assert "2 customers will receive the new notice." in [str(m) for m in sent.context["messages"]]
    again = client.post(send, follow=True)
    (refused,) = [m for m in again.context["messages"] if m.level_tag == "error"]
    assert refused.message


def _in_vietnamese(client, path: str) -> tuple[str, str]:
    """The Vietnamese page of an English `reverse()` path: its HTML, and its text as a person reads
    it (tags dropped, white space folded)."""
    html = client.get(path.removeprefix("/en")).content.decode()
    return html, " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_record_of_processing_reads_in_vietnamese_not_in_codes(client, dpo, data):
    """The printable record is what an inspector reads: labels and names, not the JSON's codes."""
    client.force_login(dpo)
    html, page = _in_vietnamese(client, reverse("regulator:processing_record"))
    assert "<td>Hợp đồng</td>" in html and "<td>Sự đồng ý</td>" in html  # legal bases, by their labels
    assert "<td>contract</td>" not in html and "<td>consent</td>" not in html
    # Categories by name, retention in Vietnamese; the bank's own words for the start stay as written.
    assert "Accounts, Identity, Transactions" in page and "Contact details, Marketing profile" in page
    assert "identity, accounts" not in page and "contact, marketing" not in page
    assert "60 tháng kể từ end of the customer relationship" in page
    assert "until the purpose ends" not in page and "months from" not in page
    assert "cho đến khi mục đích kết thúc hoặc sự đồng ý bị rút lại" in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page)


def test_form_08_time_line_reads_in_vietnamese(client, dpo, data):
    client.force_login(dpo)
    _html, page = _in_vietnamese(client, reverse("regulator:breach_phase", args=[data["breach"].pk, 1]))
    for code in ("occurred", "detected", "notification_due", "phase_1_submitted"):
        assert code not in page
    assert "Xảy ra" in page and "Phát hiện" in page and "Hạn thông báo cho cơ quan chức năng" in page
    assert "Gửi thông báo đợt 1" in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page)
    assert "Luật 91/2025/QH15 Điều 23; Nghị định 356/2025/NĐ-CP" in page


def test_a_dossier_reads_in_vietnamese_not_in_codes(client, dpo, data):
    client.force_login(dpo)
    transfer = Dossier.objects.get(purpose=data["purposes"]["transfer"], kind="transfer")
    services.dossier_edit(actor=DPO, dossier_id=transfer.pk, assessment="Rủi ro thấp.", note="Đánh giá")
    _html, page = _in_vietnamese(client, reverse("regulator:dossier_detail", args=[transfer.pk]))
    assert "Cơ sở pháp lý Sự đồng ý" in page
    assert "Trụ sở chính ở nước ngoài" in page and "foreign_head_office" not in page  # the recipient's kind
    assert "Tạo từ danh mục" in page and " created " not in page  # the change log's cause
    assert "Do DPO chỉnh sửa: Đánh giá Đánh giá rủi ro và biện pháp bảo vệ dpo_t" in page  # and what changed
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page)


def test_system_and_category_choices_are_named_as_people_know_them(client, dpo, data):
    client.force_login(dpo)
    for path in (reverse("regulator:activity_edit", args=["marketing"]), reverse("regulator:breach_new")):
        page = client.get(path).content.decode()
        assert "Core banking</label>" in page and "Contact details</label>" in page, path
        assert "System core_banking" not in page and "DataCategory contact" not in page, path
