"""Times and counts typed into the breach register and the processing record stay within what the
database holds: year 1 at +07:00 is before year 1 in UTC, and a count past 2,147,483,647 overflows the
integer column on PostgreSQL. Refused with the field named, by the service, the pages and the API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput
from regulator import services
from regulator.models import Breach, ProcessingActivity
from tests.regulator.factories import (
    DPO,
    MONDAY,
    breach_page_body,
    make_breach,
    make_catalogue,
    make_inventory,
)

pytestmark = pytest.mark.django_db

YEAR_ONE = datetime(1, 1, 1, tzinfo=timezone.get_fixed_timezone(0))
TOO_MANY = 2_147_483_648


@pytest.fixture
def inventory():
    make_inventory()
    return make_catalogue(now=timezone.now())


def test_the_service_refuses_a_breach_time_before_1900(inventory):
    with pytest.raises(InvalidInput) as refused:
        make_breach(occurred_at=YEAR_ONE)
    assert refused.value.field == "occurred_at"
    with pytest.raises(InvalidInput) as refused:
        make_breach(occurred_at=YEAR_ONE, detected_at=YEAR_ONE + timedelta(days=1), now=MONDAY)
    assert refused.value.field in {"occurred_at", "detected_at"}
    assert not Breach.objects.exists()


@pytest.mark.parametrize("field", ["subjects_affected", "records_affected"])
def test_the_service_refuses_a_count_the_column_cannot_hold(inventory, field):
    with pytest.raises(InvalidInput) as refused:
        make_breach(**{field: TOO_MANY})
    assert refused.value.field == field
    breach = make_breach(**{field: TOO_MANY - 1})
    with pytest.raises(InvalidInput) as refused:
        services.breach_update(actor=DPO, breach_id=breach.pk, changes={field: TOO_MANY})
    assert refused.value.field == field


def test_the_service_refuses_a_processing_start_before_1900(inventory):
    with pytest.raises(InvalidInput) as refused:
        services.activity_save(
            actor=DPO, purpose_code="marketing", systems=["crm"], categories=["contact"], started_at=YEAR_ONE
        )
    assert refused.value.field == "started_at"
    assert not ProcessingActivity.objects.filter(started_at__year__lt=1900).exists()


def test_the_breach_page_refuses_year_one_and_huge_counts_and_the_list_still_opens(client, dpo, inventory):
    client.force_login(dpo)
    new = reverse("regulator:breach_new")
    for body in (
        breach_page_body(occurred_at="0001-01-01T00:00", detected_at="0001-01-02T00:00"),
        breach_page_body(subjects_affected="99999999999"),
        breach_page_body(records_affected=str(TOO_MANY)),
    ):
        response = client.post(new, body)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Breach.objects.exists()
    assert client.get(reverse("regulator:breach_list")).status_code == 200


def test_the_breach_edit_page_refuses_a_huge_count(client, dpo, inventory):
    client.force_login(dpo)
    breach = make_breach(detected_at=timezone.now() - timedelta(hours=2), now=timezone.now())
    response = client.post(
        reverse("regulator:breach_edit", args=[breach.pk]),
        breach_page_body(subjects_affected=str(TOO_MANY)),
    )
    assert response.status_code == 200
    assert "subjects_affected" in response.context["form"].errors
    breach.refresh_from_db()
    assert breach.subjects_affected == 120


def test_the_processing_record_page_refuses_year_one(client, dpo, inventory):
    client.force_login(dpo)
    response = client.post(
        reverse("regulator:activity_edit", args=["marketing"]),
        {"systems": ["crm"], "categories": ["contact"], "data_subjects": "customers",
         "started_at": "0001-01-01T00:00"},
    )
    assert response.status_code == 200
    assert "started_at" in response.context["form"].errors
    assert client.get(reverse("regulator:processing_record")).status_code == 200


def test_the_api_refuses_a_huge_count(inventory, dpo, as_user):
    client = as_user(dpo)
    now = timezone.now()
    body = {
        "title": "Lost laptop",
        "description": "Stolen.",
        "systems": ["core_banking"],
        "categories": ["accounts"],
        "occurred_at": (now - timedelta(hours=6)).isoformat(),
        "detected_at": (now - timedelta(hours=2)).isoformat(),
        "subjects_affected": 99_999_999_999,
    }
    response = client.post("/api/v1/breaches/", body, format="json")
    assert response.status_code == 400 and "subjects_affected" in response.json()
    breach = make_breach(detected_at=now - timedelta(hours=2), now=now)
    response = client.patch(f"/api/v1/breaches/{breach.pk}/", {"records_affected": TOO_MANY}, format="json")
    assert response.status_code == 400 and "records_affected" in response.json()
