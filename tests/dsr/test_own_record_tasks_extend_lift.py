"""A member of staff who is also a customer does not work their own request (or their ward's or
guardian's) through its side doors either: they complete none of its systems' tasks (their own access
export, their own rectification), extend none of its deadlines and lift no restriction it put on their
data; the services refuse it (403 `own_customer_record`), nothing offers it, and the request page says
why up front."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from core.actors import actor_for_user
from core.errors import PermissionDenied
from dsr import services
from dsr.models import FulfilmentTask, RestrictionLift
from dsr.selectors import request_allowed_actions, task_allowed_actions
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import MONDAY, STAFF, make_inventory, make_request, verified_request
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db

NOW = MONDAY + timedelta(hours=1)


@pytest.fixture
def own_record(privacy_officer):
    record = make_subject(external_ref="CIF7400101")
    call_command("link_staff_customer", privacy_officer.username, "CIF7400101", "--reason", "HR file 44")
    return record


def _refused(call) -> None:
    with pytest.raises(PermissionDenied) as refused:
        call()
    assert refused.value.code == "own_customer_record"


def _open_task(request) -> FulfilmentTask:
    tasks = FulfilmentTask.objects.select_related("request", "system")
    return tasks.filter(request=request, status="open").first()


def test_a_task_of_their_own_request_is_neither_offered_nor_completed(privacy_officer, own_record):
    make_inventory()
    officer = actor_for_user(privacy_officer)
    own, strangers = (
        _open_task(verified_request(record, type="access")) for record in (own_record, make_subject())
    )

    assert task_allowed_actions(strangers, officer) == {"complete"}
    assert task_allowed_actions(own, officer) == frozenset()
    _refused(lambda: services.task_complete(actor=officer, task_id=own.pk, result={"exported": True}))
    own.refresh_from_db()
    assert own.status == "open"
    services.task_complete(actor=officer, task_id=strangers.pk, result={"exported": True})


def test_the_deadline_of_their_own_request_is_neither_offered_nor_extended(privacy_officer, own_record):
    officer = actor_for_user(privacy_officer)
    own, strangers = (make_request(record, type="complaint") for record in (own_record, make_subject()))

    assert "extend" in request_allowed_actions(strangers, privacy_officer, now=NOW)
    assert "extend" not in request_allowed_actions(own, privacy_officer, now=NOW)
    _refused(lambda: services.request_extend(actor=officer, request_id=own.pk, note="Busy month", now=NOW))
    own.refresh_from_db()
    assert own.extended_at is None
    services.request_extend(actor=officer, request_id=strangers.pk, note="Busy month", now=NOW)


def _answered_restriction(subject, purpose):
    grant(subject, purpose)
    request = verified_request(subject, type="restrict", purposes=["analytics-own"])
    return services.request_complete(actor=STAFF, request_id=request.pk)


def test_a_restriction_on_their_own_data_is_neither_offered_nor_lifted(privacy_officer, own_record):
    officer = actor_for_user(privacy_officer)
    purpose = make_purpose("analytics-own", category="analytics")
    own, strangers = (_answered_restriction(record, purpose) for record in (own_record, make_subject()))

    assert "lift" in request_allowed_actions(strangers, privacy_officer)
    assert "lift" not in request_allowed_actions(own, privacy_officer)
    _refused(
        lambda: services.request_restriction_lift(actor=officer, request_id=own.pk, reason="customer_asked")
    )
    assert not RestrictionLift.objects.filter(request=own).exists()
    assert services.request_restriction_lift(actor=officer, request_id=strangers.pk, reason="customer_asked")


@pytest.mark.parametrize("prefix, words", [
    ("/en", "This is your own customer record"), ("", "Đây là hồ sơ khách hàng của chính bạn"),
])
def test_the_request_page_says_up_front_it_is_their_own_record(privacy_officer, own_record, prefix, words):
    """The page offers no action on their own request: it says why, as the customer page does."""
    client = signed_in(privacy_officer)
    own, strangers = (make_request(record, type="complaint") for record in (own_record, make_subject()))

    own_page = client.get(f"{prefix}/portal/requests/{own.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    strangers_page = client.get(f"{prefix}/portal/requests/{strangers.pk}/", HTTP_ACCEPT_LANGUAGE="vi")

    assert own_page.status_code == strangers_page.status_code == 200
    assert words in own_page.content.decode() and words not in strangers_page.content.decode()
