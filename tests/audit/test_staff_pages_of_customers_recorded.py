"""The other staff pages that name customers by number are looks too, recorded as the queue page's are
(one masked `core.subject.viewed` per customer, one insert a page): the recipients' duties (page and
API) and the former customers past retention. A system reading its own duties writes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from subjects.models import DataSubject
from tests.consents.factories import withdrawn_with_a_hooked_partner
from tests.dsr.factories import make_inventory
from tests.factories import make_subject
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _views(context: str) -> list[tuple]:
    return sorted(
        (entry.actor_label, str(entry.subject_id), entry.data["revealed"])
        for entry in AuditEntry.objects.filter(action="core.subject.viewed", data__context=context)
    )


def _duties(count: int, *, start: int = 0) -> list:
    numbers = range(start, start + count)
    return [withdrawn_with_a_hooked_partner(f"Partner {n}", f"share-{n}") for n in numbers]


def test_staff_reading_the_duties_page_is_recorded_per_customer(logged_in, officer):
    duties = _duties(2)
    page = logged_in(officer).get(reverse("consents:duty_list"))
    assert page.status_code == 200 and duties[0].consent.subject.external_ref in page.content.decode()
    assert _views("portal.duties") == sorted(
        (officer.username, str(duty.consent.subject_id), False) for duty in duties
    )


def test_the_duties_page_records_at_the_same_cost_whatever_its_length(logged_in, officer):
    _duties(2)
    client = logged_in(officer)
    few = queries_of(lambda: client.get(reverse("consents:duty_list")))
    _duties(6, start=2)
    assert queries_of(lambda: client.get(reverse("consents:duty_list"))) == few


def test_staff_reading_the_duties_api_is_recorded_and_a_recipients_client_is_not(as_user, officer):
    [duty] = _duties(1)
    client = duty.recipient.client
    assert as_user(client).get("/api/v1/withdrawal-duties/").status_code == 200
    assert _views("api.duties") == []
    assert as_user(officer).get("/api/v1/withdrawal-duties/").status_code == 200
    assert _views("api.duties") == [(officer.username, str(duty.consent.subject_id), False)]


def test_the_dpo_reading_the_former_customers_is_recorded_per_customer(logged_in, dpo):
    make_inventory()
    former = [make_subject() for _ in range(2)]
    DataSubject.objects.filter(pk__in=[s.pk for s in former]).update(relationship_ended_on=date(2012, 2, 1))
    page = logged_in(dpo).get("/portal/requests/former-customers/")
    assert page.status_code == 200 and former[0].external_ref in page.content.decode()
    assert _views("portal.former_customers") == sorted((dpo.username, str(s.pk), False) for s in former)
