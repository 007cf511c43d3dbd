"""What a customer may do with their own request, from one rule (`request_allowed_actions`): the page's
cancel link and reply form, the API's `allowed_actions`, and the scope a customer's token needs to act
(`requests:write`, as to file a request; `requests:work` is staff work)."""

import pytest

from tests.dsr.factories import awaiting_customer, make_request

pytestmark = pytest.mark.django_db

CANCEL_LINK = 'data-testid="cancel"'


def subject_of(user):
    return user.customer_account.subject


def test_cancel_is_offered_where_the_page_links_it_and_gone_once_cancelled(as_user, logged_in, customer_a):
    request = make_request(subject_of(customer_a), type="complaint")
    api, page = as_user(customer_a), logged_in(customer_a)
    detail = f"/api/v1/requests/{request.pk}/"

    assert api.get(detail).json()["allowed_actions"] == ["cancel"]
    assert CANCEL_LINK in page.get(f"/me/requests/{request.pk}/").content.decode()

    answer = api.post(detail + "cancel/", format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "cancelled" and answer.json()["allowed_actions"] == []
    assert CANCEL_LINK not in page.get(f"/me/requests/{request.pk}/").content.decode()
    assert page.get(f"/me/requests/{request.pk}/cancel/").status_code == 302


def test_a_customer_token_that_may_write_requests_is_offered_and_may_take_its_actions(as_user, customer_a):
    writer = as_user(customer_a, scopes=["requests:read", "requests:write"])
    waiting = awaiting_customer(subject_of(customer_a))
    detail = f"/api/v1/requests/{waiting.pk}/"

    assert writer.get(detail).json()["allowed_actions"] == ["cancel", "reply"]
    answer = writer.post(detail + "reply/", {"text": "Tôi đã gửi ảnh CCCD."}, format="json")
    assert answer.status_code == 200, answer.json()
    assert writer.post(detail + "cancel/", format="json").status_code == 200


def test_a_customer_token_that_may_only_read_is_offered_nothing_and_refused(as_user, customer_a):
    reader = as_user(customer_a, scopes=["requests:read"])
    waiting = awaiting_customer(subject_of(customer_a))
    detail = f"/api/v1/requests/{waiting.pk}/"

    assert reader.get(detail).json()["allowed_actions"] == []
    assert reader.post(detail + "reply/", {"text": "Tôi đã gửi ảnh CCCD."}, format="json").status_code == 403
    assert reader.post(detail + "cancel/", format="json").status_code == 403
