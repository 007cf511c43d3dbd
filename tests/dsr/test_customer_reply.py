"""A customer answers the bank's question: a request waiting for the customer offers a reply on the
customer's page, the answer goes back to work through the one state table (the paused clock resumes
as when staff resume it), staff see the answer on the request page and hear of it by e-mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.services import user_role_set
from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import Conflict, InvalidInput, NotFound
from core.roles import Role
from dsr import services
from dsr.models import DataSubjectRequest, RequestClockEvent
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.dsr.factories import BANKS_QUESTION as QUESTION
from tests.dsr.factories import MONDAY, STAFF
from tests.dsr.factories import awaiting_customer as waiting

pytestmark = pytest.mark.django_db

ANSWER = "Tôi đã gửi ảnh qua email chi nhánh Hoàn Kiếm"


def kinds(request):
    return list(RequestClockEvent.objects.filter(request=request).values_list("kind", flat=True))


def test_the_answer_resumes_the_work_and_the_paused_clock_like_staff_do(customer_a):
    subject = customer_a.customer_account.subject
    request = waiting(subject)
    due, statutory = request.due_at, request.statutory_due_at
    answered = services.request_customer_reply(
        actor=actor_for_user(customer_a), request_id=request.pk, subject=subject, text=f"  {ANSWER}  ",
        now=MONDAY + timedelta(hours=11),
    )
    assert answered.status == "in_progress"
    assert answered.paused_at is None and answered.paused_seconds == 10 * 3600
    assert answered.due_at == due + timedelta(hours=10)
    assert answered.statutory_due_at == statutory  # Law 91: no pause
    assert kinds(request)[-2:] == ["paused", "resumed"]
    change = answered.status_changes.order_by("at", "pk").last()
    assert (change.old_status, change.new_status, change.note) == ("awaiting_customer", "in_progress", ANSWER)
    assert change.actor_kind == "customer" and change.is_customer_reply
    entry = AuditEntry.objects.get(action="dsr.request.customer_replied", target_id=str(request.pk))
    assert ANSWER not in str(entry.data) and entry.subject_id == subject.pk
    moves = AuditEntry.objects.filter(action="dsr.request.transitioned", target_id=str(request.pk))
    assert moves.count() == 4  # received → verifying → in progress → awaiting → in progress


def test_an_answer_before_identity_is_verified_goes_back_to_verifying_it(customer_a):
    subject = customer_a.customer_account.subject
    request = waiting(subject, verified=False)
    answered = services.request_customer_reply(
        actor=actor_for_user(customer_a), request_id=request.pk, subject=subject, text=ANSWER
    )
    assert answered.status == "verifying_identity"


def test_an_answer_is_required_short_enough_only_while_waiting_and_only_from_the_customer(
    customer_a, customer_b
):
    subject = customer_a.customer_account.subject
    request = waiting(subject)
    actor = actor_for_user(customer_a)
    with pytest.raises(InvalidInput):
        services.request_customer_reply(actor=actor, request_id=request.pk, subject=subject, text="   ")
    with pytest.raises(InvalidInput):
        services.request_customer_reply(actor=actor, request_id=request.pk, subject=subject, text="x" * 2001)
    with pytest.raises(NotFound):
        services.request_customer_reply(
            actor=actor_for_user(customer_b), request_id=request.pk,
            subject=customer_b.customer_account.subject, text=ANSWER,
        )
    services.request_customer_reply(actor=actor, request_id=request.pk, subject=subject, text=ANSWER)
    with pytest.raises(Conflict):
        services.request_customer_reply(actor=actor, request_id=request.pk, subject=subject, text=ANSWER)
    assert DataSubjectRequest.objects.get().status_changes.count() == 5


def test_the_customer_page_asks_for_the_answer_in_the_customers_words(logged_in, customer_a):
    request = waiting(customer_a.customer_account.subject)
    client = logged_in(customer_a)
    page = client.get(f"/me/requests/{request.pk}/").content.decode()
    assert 'data-testid="reply-form"' in page and f'action="/me/requests/{request.pk}/reply/"' in page
    assert QUESTION in page
    assert "Câu trả lời của bạn cho câu hỏi của ngân hàng ở trên" in page
    assert "Ngân hàng đang chờ bạn trả lời" in page and "Chờ khách hàng" not in page
    listing = client.get("/me/requests/").content.decode()
    assert "Ngân hàng đang chờ bạn trả lời" in listing and "Chờ khách hàng" not in listing
    english = client.get(f"/en/me/requests/{request.pk}/").content.decode()
    assert "The bank is waiting for your answer" in english
    assert "Your answer to the bank&#x27;s question above" in english


def test_replying_on_the_page_goes_back_to_work_and_staff_see_and_hear_of_it(
    logged_in, client, customer_a, privacy_officer
):
    privacy_officer.email = "privacy@bank.example"
    privacy_officer.save(update_fields=["email"])
    request = waiting(customer_a.customer_account.subject)
    customer = logged_in(customer_a)
    refused = customer.post(f"/me/requests/{request.pk}/reply/", {"text": ""})
    assert refused.status_code == 400 and 'data-testid="reply-form"' in refused.content.decode()
    assert customer.get(f"/me/requests/{request.pk}/reply/").status_code == 405
    done = customer.post(f"/me/requests/{request.pk}/reply/", {"text": ANSWER}, follow=True)
    page = done.content.decode()
    assert DataSubjectRequest.objects.get().status == "in_progress"
    assert 'data-testid="reply-form"' not in page and ANSWER in page

    mail = OutboxMessage.objects.get(topic="dsr.staff.customer_replied")
    assert mail.destination == "privacy@bank.example"
    assert request.reference in mail.payload and ANSWER not in mail.payload

    client.logout()
    staff = logged_in(privacy_officer)
    masked = staff.get(f"/en/portal/requests/{request.pk}/").content.decode()
    assert 'data-testid="customer-reply"' in masked and ANSWER not in masked
    # The timeline says who moved the request in words, never an internal label like "customer#5".
    timeline = masked.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "the customer" in timeline and "customer#" not in timeline
    shown = staff.post(
        f"/en/portal/requests/{request.pk}/", {"access-reason": "request", "access-note": str(request.pk)}
    ).content.decode()
    assert 'data-testid="customer-reply"' in shown and ANSWER in shown


def test_the_assignee_hears_of_the_answer_rather_than_the_queue(customer_a, privacy_officer, dpo):
    privacy_officer.email = "privacy@bank.example"
    privacy_officer.save(update_fields=["email"])
    dpo.email = "dpo@bank.example"
    dpo.save(update_fields=["email"])
    subject = customer_a.customer_account.subject
    request = waiting(subject)
    services.request_assign(actor=STAFF, request_id=request.pk, assignee=dpo)
    services.request_customer_reply(
        actor=actor_for_user(customer_a), request_id=request.pk, subject=subject, text=ANSWER
    )
    sent = OutboxMessage.objects.filter(topic="dsr.staff.customer_replied")
    assert [m.destination for m in sent] == ["dpo@bank.example"]


def test_the_customer_hears_of_the_banks_question(customer_a):
    """Waiting for an answer the customer never learns of would stall the request: the question goes
    out as the other moves do (e-mail, SMS or the in-app inbox), with the link to answer it."""
    request = waiting(customer_a.customer_account.subject)

    [message] = OutboxMessage.objects.filter(topic="dsr.customer.waiting")
    outbox_deliver(message.pk, now=timezone.now() + timedelta(days=400))

    [email] = mail.outbox
    assert request.reference in email.subject and "chờ câu trả lời" in email.subject
    assert QUESTION in email.body and f"/me/requests/{request.pk}/" in email.body


def test_once_answered_the_question_is_not_the_banks_answer(customer_a):
    """The question stays in the history; it is not repeated as the answer when the request closes."""
    subject = customer_a.customer_account.subject
    request = waiting(subject)
    services.request_customer_reply(
        actor=actor_for_user(customer_a), request_id=request.pk, subject=subject, text=ANSWER,
        now=MONDAY + timedelta(hours=3),
    )

    answered = DataSubjectRequest.objects.get(pk=request.pk)

    assert answered.outcome_note == ""
    asked = answered.status_changes.get(new_status="awaiting_customer")
    assert asked.note == QUESTION


def test_answering_before_identity_is_checked_sends_no_second_we_have_started(customer_a):
    subject = customer_a.customer_account.subject
    request = waiting(subject, verified=False)
    started = OutboxMessage.objects.filter(topic="dsr.customer.acknowledged").count()

    services.request_customer_reply(
        actor=actor_for_user(customer_a), request_id=request.pk, subject=subject, text=ANSWER,
        now=MONDAY + timedelta(hours=3),
    )

    assert OutboxMessage.objects.filter(topic="dsr.customer.acknowledged").count() == started


@pytest.mark.parametrize("now_role", [None, Role.AUDITOR])
def test_an_assignee_who_no_longer_works_requests_is_passed_over_for_the_queue(
    customer_a, privacy_officer, officer, now_role
):
    """The assignee left (no role) or became an auditor: their mailbox is nobody's work queue, so the
    customer's answer goes to the privacy officers who can act on it."""
    privacy_officer.email = "privacy@bank.example"
    privacy_officer.save(update_fields=["email"])
    officer.email = "officer@bank.example"
    officer.save(update_fields=["email"])
    subject = customer_a.customer_account.subject
    request = waiting(subject)
    services.request_assign(actor=STAFF, request_id=request.pk, assignee=officer)
    user_role_set(actor=actor_for_user(privacy_officer), user=officer, role=now_role)
    services.request_customer_reply(
        actor=actor_for_user(customer_a), request_id=request.pk, subject=subject, text=ANSWER
    )
    sent = OutboxMessage.objects.filter(topic="dsr.staff.customer_replied")
    assert [m.destination for m in sent] == ["privacy@bank.example"]
