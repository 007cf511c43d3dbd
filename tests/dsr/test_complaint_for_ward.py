"""A guardian following "Send a complaint to the bank" from their ward's refused request filed the
complaint under their own record, the ward's request named only in its text: the complaint is the
ward's, filed by the guardian for them (as the guardian's other acts for a ward), and names the request
it challenges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest
from tests.consents.factories import child_of
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import make_customer, make_subject, signed_in

pytestmark = pytest.mark.django_db


def _refused(subject, **fields):
    request = verified_request(subject, type="delete", **fields)
    return services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Yêu cầu lặp lại",
        now=MONDAY + timedelta(days=1),
    )


def _complain_about(client, refused) -> DataSubjectRequest:
    url = f"{reverse('dsr:me_new')}?type=complaint&about={refused.reference}"
    response = client.post(url, {"type": "complaint", "details": f"Về yêu cầu {refused.reference}"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return DataSubjectRequest.objects.get(type="complaint")


def test_a_guardians_complaint_about_the_wards_answer_is_filed_for_the_ward(client):
    guardian = make_subject()
    ward = child_of(guardian, age=10)
    refused = _refused(ward, guardian=guardian)
    client.force_login(make_customer(subject=guardian, username="giam-ho"))

    complaint = _complain_about(client, refused)

    assert (complaint.subject_id, complaint.guardian_id) == (ward.pk, guardian.pk)
    assert complaint.challenges_id == refused.pk


def test_a_customers_complaint_about_their_own_answer_names_it(client):
    customer = make_subject()
    refused = _refused(customer)
    client.force_login(make_customer(subject=customer, username="tu-khieu-nai"))

    complaint = _complain_about(client, refused)

    assert (complaint.subject_id, complaint.guardian_id) == (customer.pk, None)
    assert complaint.challenges_id == refused.pk


def test_staff_read_the_challenged_request_beside_the_complaint(client, dpo):
    customer = make_subject()
    refused = _refused(customer)
    client.force_login(make_customer(subject=customer, username="tu-khieu-nai"))
    complaint = _complain_about(client, refused)

    page = signed_in(dpo).get(f"/en{reverse('dsr:detail', args=[complaint.pk])}").content.decode()

    challenged = page[page.index('data-testid="challenges"'):][:300]
    assert f'href="/en/portal/requests/{refused.pk}/">{refused.reference}<' in challenged, challenged


def test_a_complaint_cannot_challenge_another_customers_request():
    refused = _refused(make_subject())
    with pytest.raises(InvalidInput) as refused_challenge:
        services.request_create(actor=STAFF, subject=make_subject(), type="complaint", channel="branch",
                                challenges=refused)
    assert refused_challenge.value.field == "challenges"
    assert DataSubjectRequest.objects.filter(type="complaint").count() == 0
