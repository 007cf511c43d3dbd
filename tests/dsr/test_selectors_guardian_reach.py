"""A guardian reads a ward's requests only while the guardianship is in force (verified by the bank) and
the ward is still a child (`subjects.selectors.wards_verified`): a court decision that ends it, another
guardian named, or the ward's 16th birthday closes the child's requests to the former guardian, on
every page and in the API. The child and staff keep them."""
from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from core.actors import Actor
from core.errors import Conflict, NotFound
from dsr import services
from dsr.selectors import requests_for_subject, visible_request_detail
from notifications.models import Notification
from subjects import services as subject_services
from tests.consents.factories import child_of
from tests.dsr.factories import STAFF, verified_request
from tests.factories import make_customer, make_subject, signed_in

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _answered_copy_for(child, guardian):
    """A copy request the guardian filed for the child, answered: its export is ready to download."""
    request = verified_request(child, type="copy", guardian=guardian)
    return services.request_complete(actor=STAFF, request_id=request.pk)


def _guardian_reaches(client, api, request) -> dict[str, int]:
    pk = request.pk
    return {
        "detail": client.get(reverse("dsr:me_detail", args=[pk])).status_code,
        "download": client.get(reverse("dsr:me_download", args=[pk, "json"])).status_code,
        "reply": client.post(reverse("dsr:me_reply", args=[pk]), {"text": "x"}).status_code,
        "cancel": client.get(reverse("dsr:me_cancel", args=[pk])).status_code,
        "api detail": api.get(f"/api/v1/requests/{pk}/").status_code,
        "api export": api.get(f"/api/v1/requests/{pk}/export/").status_code,
    }


CLOSED = {"detail": 404, "download": 404, "reply": 404, "cancel": 404, "api detail": 404, "api export": 404}


def _ends_by_court_decision(child):
    subject_services.subject_rectify(actor=SYSTEM, subject_id=child.pk, changes={"guardian": None},
                                     reason="court decision")


def _ends_by_another_guardian(child):
    subject_services.subject_rectify(actor=SYSTEM, subject_id=child.pk, changes={"guardian": make_subject()},
                                     reason="court decision")


def _ends_at_sixteen(child):
    seventeen = date(timezone.localdate().year - 17, 1, 1)
    subject_services.subject_rectify(actor=SYSTEM, subject_id=child.pk, changes={"date_of_birth": seventeen},
                                     reason="birth certificate")


@pytest.mark.parametrize("end", [_ends_by_court_decision, _ends_by_another_guardian, _ends_at_sixteen],
                         ids=["court decision", "another guardian", "ward turned 16"])
def test_a_former_guardian_no_longer_reaches_the_childs_requests(customer_a, as_user, privacy_officer, end):
    guardian = customer_a.customer_account.subject
    child = child_of(guardian, age=10)
    request = _answered_copy_for(child, guardian)
    client, api = signed_in(customer_a), as_user(customer_a)
    before = _guardian_reaches(client, api, request)
    assert (before["detail"], before["download"], before["api detail"], before["api export"]) == (
        200, 200, 200, 200
    )
    assert request in requests_for_subject(guardian)

    end(child)

    assert _guardian_reaches(client, api, request) == CLOSED
    assert request not in requests_for_subject(guardian)
    assert str(request.pk) not in client.get(reverse("dsr:me_requests")).content.decode()
    assert api.get("/api/v1/requests/").json()["results"] == []
    # The child, now with a login of their own, and staff still reach it.
    assert visible_request_detail(make_customer(subject=child), request.pk).pk == request.pk
    assert as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/").status_code == 200


def test_the_guardians_own_requests_stay_theirs_after_the_guardianship_ends(customer_a):
    guardian = customer_a.customer_account.subject
    child = child_of(guardian, age=10)
    own = verified_request(guardian, type="access")
    _ends_by_court_decision(child)
    assert list(requests_for_subject(guardian)) == [own]


def test_the_service_refuses_a_former_guardians_reply(customer_a):
    """The reply service checks who answers by the same rule as the pages (not only by the stored
    guardian id), so no caller can slip past it."""
    guardian = customer_a.customer_account.subject
    child = child_of(guardian, age=10)
    request = verified_request(child, type="copy", guardian=guardian)
    services.request_transition(actor=STAFF, request_id=request.pk, to="awaiting_customer",
                                note="Which account?")
    _ends_by_court_decision(child)
    with pytest.raises(NotFound):
        services.request_customer_reply(
            actor=SYSTEM, request_id=request.pk, subject=guardian, text="Tài khoản 1"
        )


def test_a_former_guardian_no_longer_hears_of_the_childs_request(customer_a):
    """The e-mail of a move names the request and links to its page: it goes to the guardian only while
    they still act for the child, else to the child's own record, as the pages decide."""
    guardian = customer_a.customer_account.subject
    child = child_of(guardian, age=10)
    request = verified_request(child, type="copy", guardian=guardian)
    told = Notification.objects.filter(topic__startswith="dsr.customer.")
    assert set(told.values_list("subject_id", flat=True)) == {guardian.pk}

    _ends_by_court_decision(child)
    # The former guardian's request is no longer answered on their authority (security review, round
    # 2): staff refuse it, and the answer goes to the child's own record.
    with pytest.raises(Conflict):
        services.request_complete(actor=STAFF, request_id=request.pk)
    services.request_reject(
        actor=STAFF, request_id=request.pk, reason="identity_not_verified", note="Không xác minh được."
    )

    [rejected] = told.filter(topic="dsr.customer.rejected")
    assert rejected.subject_id == child.pk
