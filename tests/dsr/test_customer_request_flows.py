"""Issue #18, customer: cancelling asks first and then says "cancelled by you"; the new-request page
explains access against copy, shows both dates from the deadline policy and says how identity is
verified."""

import pytest
from django.utils import formats, timezone

from deadlines.policy import deadlines_for
from dsr.models import DataSubjectRequest
from tests.dsr.factories import make_request, verified_request

pytestmark = pytest.mark.django_db


def test_cancelling_asks_first_and_then_says_cancelled_by_you(logged_in, customer_a):
    subject = customer_a.customer_account.subject
    request = make_request(subject, channel="internet_banking")
    client = logged_in(customer_a)
    detail = client.get(f"/en/me/requests/{request.pk}/").content.decode()
    cancel_form = f'method="post" action="/en/me/requests/{request.pk}/cancel/'
    assert 'data-testid="cancel"' in detail and cancel_form not in detail

    # One tap (the old button's bare POST) no longer cancels: it shows the question.
    asked = client.post(f"/en/me/requests/{request.pk}/cancel/")
    assert asked.status_code == 200 and "Yes, cancel my request" in asked.content.decode()
    confirm = client.get(f"/en/me/requests/{request.pk}/cancel/").content.decode()
    assert 'data-testid="confirm-cancel"' in confirm and 'data-testid="keep-request"' in confirm
    assert DataSubjectRequest.objects.get().status == "received"

    done = client.post(f"/en/me/requests/{request.pk}/cancel/", {"confirmed": "1"}, follow=True)
    page = done.content.decode()
    assert DataSubjectRequest.objects.get().status == "cancelled"
    assert "Cancelled by you" in page and "Answered" not in page
    listing = client.get("/en/me/requests/").content.decode()
    assert "Cancelled by you" in listing
    vietnamese = client.get(f"/me/requests/{request.pk}/").content.decode()
    assert "Đã trả lời" not in vietnamese


def test_new_request_explains_access_and_copy_with_both_dates_and_how_identity_is_checked(
    logged_in, customer_a
):
    client = logged_in(customer_a)
    page = client.get("/en/me/requests/new/").content.decode()
    assert "You read it on screen" in page and "receive a file" in page  # access is not copy
    clocks = deadlines_for(request_type="access", received_at=timezone.now())
    local = timezone.localtime(clocks.due_at)
    assert f"We answer by {formats.date_format(local, 'SHORT_DATE_FORMAT')}" in page
    assert clocks.statutory_due_at is not None
    statutory = formats.date_format(timezone.localtime(clocks.statutory_due_at), "SHORT_DATE_FORMAT")
    assert f"at the latest by law: {statutory}" in page
    assert 'data-testid="identity-how"' in page and "one-time code (OTP)" in page and "branch" in page


def test_a_failed_request_form_says_so_at_the_top_with_links_to_the_fields(logged_in, customer_a):
    """UX review: the phone page reloaded looking unchanged; the error sat far below."""
    client = logged_in(customer_a)
    response = client.post("/en/me/requests/new/", {"details": "x"})
    page = response.content.decode()
    summary = page.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in page.split('data-testid="error-summary"', 1)[0].rsplit("<div", 1)[1]
    assert 'href="#id_type"' in summary and "This field is required." in summary
    assert page.index('data-testid="error-summary"') < page.index('name="type"')


def test_the_customer_form_shows_purposes_and_corrections_for_their_request_types(logged_in, customer_a):
    """As on the staff intake form: the purposes for restrict/object/withdraw, new details for rectify."""
    page = logged_in(customer_a).get("/en/me/requests/new/").content.decode()
    purposes = 'data-show-for="type" data-show-values="restrict object withdraw" data-testid="field-purposes"'
    assert purposes in page
    assert 'data-show-for="type" data-show-values="rectify" data-testid="field-corrections"' in page
    assert "dsr/disclose" in page


def test_a_request_waiting_for_identity_tells_the_customer_how_it_is_checked(logged_in, customer_a):
    """A request the bank has not yet checked is the customer's next step: the page says how, instead of
    a bare status."""
    request = make_request(customer_a.customer_account.subject, channel="internet_banking")
    client = logged_in(customer_a)

    page = client.get(f"/en/me/requests/{request.pk}/").content.decode()
    steps = page.split('data-testid="identity-steps"', 1)[1].split("</section>", 1)[0]
    assert "one-time code" in steps and "branch" in steps

    checked = verified_request(customer_a.customer_account.subject, type="copy", channel="internet_banking")
    assert 'data-testid="identity-steps"' not in client.get(f"/en/me/requests/{checked.pk}/").content.decode()
