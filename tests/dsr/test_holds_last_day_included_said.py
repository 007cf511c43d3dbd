"""A hold's date is the last day kept, included (the release runs the night after it), but "Lưu giữ đến
31/12/2036" reads in Vietnamese as possibly stopping before that day: the customer's page and the holds
preview say "Lưu giữ đến hết ngày" ("Kept until the end of")."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from core.actors import actor_for_user
from deadlines.policy import LOCAL_TZ
from dsr.models import LegalHold
from tests.dsr.factories import make_inventory, verified_request
from tests.dsr.test_services_deletion_law import answer
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _said_with_last_day(text: str, phrase: str, day: str) -> bool:
    return re.search(re.escape(phrase) + r"\s+" + re.escape(day), text) is not None


def _held(subject, privacy_officer, dpo):
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    deletion = verified_request(subject, type="delete", actor=worker)
    answer(deletion, worker, approver)
    LegalHold.objects.update(ends_on=timezone.localdate(timezone.now(), LOCAL_TZ))
    return deletion


def test_the_customers_page_says_the_last_day_is_kept(customer_a, privacy_officer, dpo):
    held = _held(customer_a.customer_account.subject, privacy_officer, dpo)
    client = signed_in(customer_a)
    day = LegalHold.objects.values_list("ends_on", flat=True).first()
    vi = client.get(f"/me/requests/{held.pk}/").content.decode()
    en = client.get(f"/en/me/requests/{held.pk}/").content.decode()
    assert _said_with_last_day(vi, "Lưu giữ đến hết ngày", day.strftime("%d/%m/%Y"))
    assert "Kept until the end of" in en and "Kept until " + day.strftime("%m") not in en
    assert "Lưu giữ đến " + day.strftime("%d") not in vi


def test_the_holds_preview_says_the_last_day_is_kept(subject, privacy_officer, dpo, client):
    _held(subject, privacy_officer, dpo)
    client.force_login(dpo)
    assert "<th>Lưu giữ đến hết ngày</th>" in client.get("/portal/requests/legal-holds/").content.decode()
    assert "<th>Kept until the end of</th>" in client.get("/en/portal/requests/legal-holds/").content.decode()
