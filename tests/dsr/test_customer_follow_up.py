"""A customer following up on their request from the self-service pages (and the messages they get),
days after filing it: how to challenge a refusal, which companies were told to stop or delete and
whether they did, and the answered date named as such in the list."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from consents.models import WithdrawalDuty
from consents.services import duty_acknowledge
from dsr import services
from notifications.models import Notification
from notifications.selectors import notification_text
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_client(client, subject):
    client.force_login(make_customer(subject=subject, username="theo-doi"))
    return client


def _page(client, request, lang="vi") -> str:
    prefix = "" if lang == "vi" else "/en"
    return client.get(f"{prefix}{reverse('dsr:me_detail', args=[request.pk])}").content.decode()


def _refused(subject):
    request = verified_request(subject, type="delete")
    return services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Yêu cầu lặp lại",
        now=MONDAY + timedelta(days=1),
    )


def test_a_refused_request_says_how_to_challenge_the_answer(customer_client, subject):
    """A refusal named its legal reason and stopped there: nothing told the customer they may complain
    to the bank or to the authority (A05), nor led them to either."""
    refused = _refused(subject)
    page = _page(customer_client, refused)
    assert 'data-testid="challenge"' in page, page[page.find("<main"):]
    section = page[page.index('data-testid="challenge"'):]
    section = section[:section.index("</section>")]
    assert f"{reverse('dsr:me_new')}?type=complaint" in section
    assert reverse("transparency:me_privacy") + "#complaints-heading" in section
    assert "A05" in section
    english = _page(customer_client, refused, lang="en")
    assert "Department of Cyber Security" in english[english.index('data-testid="challenge"'):]


def test_an_answer_in_full_has_no_challenge_section(customer_client, subject):
    request = verified_request(subject, type="access")
    done = services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))
    assert 'data-testid="challenge"' not in _page(customer_client, done)


def test_the_refusal_message_says_the_customer_may_complain(subject):
    """The refusal's e-mail gave the legal reason and a link, and not a word on the right to complain."""
    _refused(subject)
    body = notification_text(Notification.objects.filter(topic="dsr.customer.rejected").get()).body
    assert "khiếu nại" in body.lower(), body
    assert "A05" in body, body


@pytest.fixture
def withdrawal(subject):
    """The customer withdrew their consent to share with Partner Insurance through a request."""
    purpose = make_purpose("partner-sharing", category="sharing", recipients=[make_recipient()],
                           effective_at=MONDAY - timedelta(days=30))
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    return verified_request(subject, type="withdraw", purposes=["partner-sharing"])


def test_the_request_page_says_which_company_was_told_to_stop_and_whether_it_did(
    customer_client, subject, withdrawal
):
    """The staff page followed each recipient's stop; the customer's page said nothing of them, so
    "has every company you shared my data with stopped?" had no answer."""
    page = _page(customer_client, withdrawal)
    assert 'data-testid="recipients-told"' in page
    told = page[page.index('data-testid="recipients-told"'):]
    told = told[:told.index("</section>")]
    assert "Partner Insurance" in told
    # Days after the request (the test runs later than its Monday): late, and followed up.
    assert "chưa xác nhận" in told and "Ngân hàng đang đôn đốc" in told, told
    duty = WithdrawalDuty.objects.get(subject_id=subject.pk)
    duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Thư xác nhận", now=MONDAY + timedelta(hours=6))
    told = _page(customer_client, withdrawal)
    told = told[told.index('data-testid="recipients-told"'):]
    assert "đã xác nhận thực hiện vào 09/03/2026 15:00" in told[:told.index("</section>")], told
    assert "Thư xác nhận" not in told, "the staff's note of the confirmation is internal"


def test_the_list_names_an_answered_requests_date_as_answered(customer_client, subject):
    """A closed request's date stood under "We will answer by", a promise in the past."""
    _refused(subject)
    page = customer_client.get(reverse("dsr:me_requests")).content.decode()
    row = page[page.index('data-testid="request-reference"'):]
    row = row[:row.index("</tr>")]
    with translation.override("vi"):
        assert re.search(r"Đã trả lời\s*10/03/2026", re.sub(r"<[^>]+>", " ", row)), row


def _history(page: str) -> str:
    timeline = page[page.index('<ol class="timeline"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", timeline[:timeline.index("</ol>")]))


def test_the_history_shows_when_more_time_was_taken_and_to_when(customer_client, subject):
    """The extension (a day after the request) was missing from the History: the customer saw the
    request in progress and nothing of the day the legal deadline moved, nor to which date."""
    request = verified_request(subject, type="access")
    services.request_extend(
        actor=STAFF, request_id=request.pk, note="Dữ liệu nằm ở nhiều hệ thống",
        now=MONDAY + timedelta(days=1),
    )
    history = _history(_page(customer_client, request))
    assert re.search(r"10/03/2026 09:00 Cần thêm thời gian.*29/03/2026", history), history
    english = _history(_page(customer_client, request, lang="en"))
    assert re.search(r"More time needed.*29/03/2026", english), english


def test_the_history_shows_when_the_withdrawal_took_effect(customer_client, subject, withdrawal):
    history = _history(_page(customer_client, withdrawal))
    withdrawal.refresh_from_db()
    assert withdrawal.withdrawal_applied_at
    assert "Việc rút lại sự đồng ý của Quý khách có hiệu lực" in history, history


def test_the_answer_to_a_copy_request_says_where_the_file_is_and_until_when(subject):
    """The completion message of a copy request said "carried out" and no more: nothing told the customer
    a file waits on the request's page, nor that it is deleted after 30 days."""
    request = verified_request(subject, type="copy")
    services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))
    body = notification_text(Notification.objects.filter(topic="dsr.customer.completed").get()).body
    assert "tải" in body and "08/04/2026 11:00" in body, body


def test_the_request_page_says_who_handles_it_and_how_to_reach_them(customer_client, subject):
    """"Who is handling my request?" had no answer on the page: no team, no contact; staff names stay
    internal, so the page names the bank's data-protection office and leads to its contact."""
    request = verified_request(subject, type="access")
    page = _page(customer_client, request)
    assert 'data-testid="handled-by"' in page
    handled = page[page.index('data-testid="handled-by"'):]
    handled = handled[:handled.index("</dd>")]
    assert reverse("transparency:me_privacy") + "#dpo-heading" in handled, handled
    assert "tests-staff" not in page


def test_a_request_past_its_date_says_the_answer_is_late_and_where_to_complain(customer_client, subject):
    """Months after the date it promised (the test runs long after its Monday), the open request still
    read "We will answer by 12/03/2026", a promise in the past, with no word that the customer may
    complain of a late answer."""
    request = verified_request(subject, type="access")
    page = _page(customer_client, request)
    deadline = page[page.index('data-testid="deadline"'):]
    deadline = deadline[:deadline.index("</dd>")]
    assert "trễ hạn" in deadline, deadline
    assert reverse("transparency:me_privacy") + "#complaints-heading" in deadline, deadline
    english = _page(customer_client, request, lang="en")
    english = english[english.index('data-testid="deadline"'):]
    assert "late" in english[:english.index("</dd>")]


def test_an_other_reason_is_worded_for_the_customer_not_for_staff(customer_client, subject):
    """A refusal "for another reason" read, on the customer's page and in their e-mail, "Lý do khác (giải
    thích trong ghi chú)": "the note" is the staff form's field, which the customer never sees by that
    name."""
    request = verified_request(subject, type="delete")
    services.request_reject(
        actor=STAFF, request_id=request.pk, reason="other", note="Tài khoản đang bị phong tỏa theo lệnh tòa.",
        now=MONDAY + timedelta(days=1),
    )
    page = _page(customer_client, request)
    reason = page[page.index('data-testid="reason"'):]
    reason = reason[:reason.index("</dd>")]
    body = notification_text(Notification.objects.filter(topic="dsr.customer.rejected").get()).body
    for text in (reason, body):
        assert "ghi chú" not in text, text
    assert "Lý do khác" in reason, reason


def test_the_history_names_the_extended_date_the_legal_limit_not_our_answer_date(customer_client, subject):
    """The History said "the deadline was extended to" the legal date while "We will answer by" above it
    showed the bank's earlier date: two deadlines that seemed to contradict. The History names the legal
    limit as such, in both languages."""
    request = verified_request(subject, type="access")
    services.request_extend(
        actor=STAFF, request_id=request.pk, note="Dữ liệu nằm ở nhiều hệ thống",
        now=MONDAY + timedelta(days=1),
    )
    vietnamese = _history(_page(customer_client, request))
    legal_limit = "Cần thêm thời gian: thời hạn tối đa luật cho phép để trả lời nay là 29/03/2026"
    assert legal_limit in vietnamese, vietnamese
    english = _history(_page(customer_client, request, lang="en"))
    legal_limit = "More time needed: the latest date the law allows for our answer is now 29/03/2026"
    assert legal_limit in english, english
