"""Staff and customer pages: the queue, the request page and its actions, my requests, the policy page."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from deadlines.models import DeadlinePolicy
from deadlines.policy import deadlines_for
from dsr.models import DataSubjectRequest
from dsr.selectors import request_timeframes
from tests.dsr.factories import MONDAY, by_document, make_inventory, make_request, verified_request

pytestmark = pytest.mark.django_db


def test_queue_filters_and_highlights(logged_in, privacy_officer, subject):
    make_request(subject, type="access")
    make_request(subject, type="complaint")
    client = logged_in(privacy_officer)
    page = client.get(reverse("dsr:queue"), {"type": "complaint"}).content.decode()
    assert page.count('data-testid="queue-row"') == 1
    assert 'data-due="' in page
    overdue = client.get(reverse("dsr:queue"), {"due": "overdue"}).content.decode()
    assert overdue.count('data-testid="queue-row"') == 2  # received in March 2026, long past due
    assert 'data-tone="danger"' in overdue
    assert client.get(reverse("dsr:queue"), {"status": "nonsense"}).status_code == 200


def test_dashboard_cards_and_subject_panel(logged_in, privacy_officer, subject):
    make_request(subject)
    client = logged_in(privacy_officer)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("dsr:queue") in dashboard
    panel = client.get(reverse("subjects:customer_detail", args=[subject.pk])).content.decode()
    assert 'data-testid="subject-requests"' in panel


def test_staff_intake_and_actions_on_the_request_page(logged_in, officer, privacy_officer, subject):
    client = logged_in(officer)
    response = client.post(
        reverse("dsr:intake"),
        {
            "subject_ref": subject.external_ref,
            "type": "complaint",
            "channel": "call_centre",
            "details": "Bị gọi điện quảng cáo",
        },
    )
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="identity-pending"' in page
    assert AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject.pk).exists()
    # Called in, then came to the branch with the citizen ID.
    client.post(reverse("dsr:act", args=[request.pk, "verify"]), by_document(subject, visit=True))
    client.force_login(privacy_officer)
    client.post(reverse("dsr:act", args=[request.pk, "complete"]), {"note": "Đã ngừng gọi."})
    request.refresh_from_db()
    assert request.status == "completed"
    # An illegal move becomes a message, never a 500.
    response = client.post(
        reverse("dsr:act", args=[request.pk, "reject"]), {"reason": "other", "note": "x"}, follow=True
    )
    assert response.status_code == 200
    assert DataSubjectRequest.objects.get().status == "completed"


def test_auditor_cannot_act(logged_in, auditor, subject):
    request = make_request(subject)
    client = logged_in(auditor)
    assert client.get(reverse("dsr:detail", args=[request.pk])).status_code == 200
    assert client.post(reverse("dsr:act", args=[request.pk, "acknowledge"])).status_code == 403


def test_customer_pages_and_isolation(logged_in, customer_a, customer_b):
    client = logged_in(customer_a)
    response = client.post(reverse("dsr:me_new"), {"type": "rectify", "new_phone": "0911222333"})
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert request.channel == "internet_banking"
    listing = client.get(reverse("dsr:me_requests")).content.decode()
    assert reverse("dsr:me_detail", args=[request.pk]) in listing
    assert client.get(reverse("dsr:me_detail", args=[request.pk])).status_code == 200
    other = logged_in(customer_b)
    assert other.get(reverse("dsr:me_detail", args=[request.pk])).status_code == 404
    assert other.post(reverse("dsr:me_cancel", args=[request.pk])).status_code == 404
    assert other.get(reverse("dsr:me_download", args=[request.pk, "json"])).status_code == 404
    assert other.get(reverse("dsr:queue")).status_code == 403


def test_customer_sees_which_part_of_a_deletion_waits_and_downloads_exports(
    logged_in, customer_a, privacy_officer, dpo
):
    from core.actors import actor_for_user
    from dsr import services

    make_inventory()
    subject = customer_a.customer_account.subject
    actor = actor_for_user(privacy_officer)
    deletion = verified_request(subject, type="delete", actor=actor)
    for task in deletion.tasks.all():
        services.task_complete(actor=actor, task_id=task.pk, result={}, note="erased")
    services.request_approve(actor=actor_for_user(dpo), request_id=deletion.pk)
    services.request_complete(actor=actor, request_id=deletion.pk)
    access = verified_request(subject, type="access", actor=actor)
    for task in access.tasks.all():
        services.task_complete(actor=actor, task_id=task.pk, result={"balance": "private"})
    services.request_complete(actor=actor, request_id=access.pk)
    client = logged_in(customer_a)
    page = client.get(reverse("dsr:me_detail", args=[deletion.pk])).content.decode()
    assert 'data-testid="holds"' in page
    assert "Law 14/2022/QH15" in page
    download = client.get(reverse("dsr:me_download", args=[access.pk, "html"]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="dsr.export.downloaded", actor_kind="customer").count() == 1


def test_english_pages(logged_in, customer_a):
    page = logged_in(customer_a).get("/en/me/requests/").content.decode()
    assert "My requests" in page


def test_dpo_edits_the_policy_and_the_calendar(logged_in, dpo, privacy_officer):
    row = DeadlinePolicy.objects.get(regime="bank", request_type="complaint")
    client = logged_in(dpo)
    assert client.get(reverse("dsr:policy")).status_code == 200
    data = {
        "period": 10,
        "unit": "working_days",
        "acknowledge_unit": "working_days",
        "pausable": "on",
        "active": "on",
        "legal_reference": row.legal_reference,
    }
    response = client.post(reverse("dsr:policy_edit", args=[row.pk]), data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.period == 10
    assert AuditEntry.objects.filter(action="dsr.policy.changed").exists()
    client.post(reverse("dsr:calendar_add"), {"date": "2026-12-31", "kind": "holiday", "name": "Nghỉ thử"})
    assert AuditEntry.objects.filter(action="dsr.calendar.changed").exists()
    staff = logged_in(privacy_officer)
    assert staff.post(reverse("dsr:policy_edit", args=[row.pk]), data).status_code == 403


def test_staff_take_in_a_rectification_with_its_corrected_values(logged_in, officer, subject):
    import json

    client = logged_in(officer)
    client.post(
        reverse("dsr:intake"),
        {
            "subject_ref": subject.external_ref,
            "type": "rectify",
            "channel": "branch",
            "new_phone": "0988777666",
        },
    )
    request = DataSubjectRequest.objects.get()
    assert json.loads(request.corrections) == {"phone": "0988777666"}
    response = client.post(
        reverse("dsr:intake"),
        {
            "subject_ref": subject.external_ref,
            "type": "access",
            "channel": "branch",
            "new_phone": "0988777666",
        },
    )
    assert response.status_code == 200  # corrected values on another type: shown as an error, nothing saved
    assert DataSubjectRequest.objects.count() == 1


def test_staff_lift_a_restriction_from_the_request_page(logged_in, privacy_officer, subject):
    from core.actors import actor_for_user
    from dsr import services
    from dsr.selectors import restriction_in_force

    actor = actor_for_user(privacy_officer)
    request = verified_request(subject, type="restrict", actor=actor)
    services.request_complete(actor=actor, request_id=request.pk)
    client = logged_in(privacy_officer)
    assert 'data-testid="lift"' in client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    client.post(reverse("dsr:act", args=[request.pk, "lift"]), {"reason": "customer_asked"})
    assert not restriction_in_force(request)
    assert 'data-testid="lift"' not in client.get(reverse("dsr:detail", args=[request.pk])).content.decode()


def test_customer_names_the_purposes_of_a_withdrawal(logged_in, customer_a, privacy_officer):
    from tests.consents.factories import make_purpose

    make_purpose("sms-offers", category="marketing", name_vi="Ưu đãi qua SMS")
    client = logged_in(customer_a)
    page = client.get(reverse("dsr:me_new")).content.decode()
    assert 'value="sms-offers"' in page
    client.post(reverse("dsr:me_new"), {"type": "withdraw", "purposes": ["sms-offers"]})
    request = DataSubjectRequest.objects.get()
    assert request.purposes == ["sms-offers"]
    # Both the customer and the staff read the purpose's name; staff also see its code.
    mine = client.get(reverse("dsr:me_detail", args=[request.pk])).content.decode()
    assert 'data-testid="purposes">Ưu đãi qua SMS</dd>' in mine
    response = client.post(reverse("dsr:me_new"), {"type": "access", "purposes": ["sms-offers"]})
    assert response.status_code == 200  # purposes belong to restriction, objection, withdrawal only
    assert DataSubjectRequest.objects.count() == 1
    staff_page = logged_in(privacy_officer).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="purposes">Ưu đãi qua SMS <span class="mono">sms-offers</span></dd>' in staff_page


def test_the_queue_opens_a_request_from_its_type(logged_in, privacy_officer, subject):
    request = make_request(subject)
    page = logged_in(privacy_officer).get(reverse("dsr:queue")).content.decode()
    detail = reverse("dsr:detail", args=[request.pk])
    assert f'<a href="{detail}" data-testid="open-request">{request.get_type_display()}</a>' in page


def test_the_reports_count_open_requests_under_a_state_not_the_verb_open(logged_in, dpo):
    page = logged_in(dpo).get(reverse("dsr:report_deadlines")).content.decode()
    assert "<th>Đang mở</th>" in page and "<th>Mở</th>" not in page



def test_the_new_request_page_promises_the_earlier_date_the_law_sets_for_a_complaint(logged_in, customer_a):
    """A complaint's bank commitment (15 working days) ends after the law's 15 days: the customer is
    promised the law's date, never one past it."""
    complaint = next(t for t in request_timeframes(now=MONDAY) if t.type == "complaint")
    assert complaint.answer_by == complaint.statutory_by
    assert complaint.answer_by < deadlines_for(request_type="complaint", received_at=MONDAY).due_at
    page = logged_in(customer_a).get(reverse("dsr:me_new")).content.decode()
    promised = re.search(r'data-testid="answer-by-complaint">[^<]*?(\d\d/\d\d/\d{4})', page)[1]
    by_law = re.search(r'data-testid="statutory-by-complaint">[^<]*?(\d\d/\d\d/\d{4})', page)[1]
    assert promised == by_law
