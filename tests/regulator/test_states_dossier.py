"""The dossier machine (issue #11): its table in regulator/states.py, `dossier_transition` writing a
history row and the audit entry, and `dossier_allowed_actions` deciding what the page offers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import InvalidTransition
from regulator import services
from regulator.models import Dossier, DossierKind, DossierStatus, DossierStatusChange
from regulator.selectors import dossier_allowed_actions
from regulator.services.dossiers import dossier_transition
from regulator.states import DOSSIER_MACHINE
from tests.factories import status_moves
from tests.regulator.factories import DPO, MONDAY, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier():
    make_inventory()
    make_catalogue(now=timezone.now())
    services.dossiers_sync(actor=DPO, now=MONDAY)
    return Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="marketing")


def _assess(dossier, note, now=MONDAY):
    services.dossier_edit(actor=DPO, dossier_id=dossier.pk, assessment=f"Risks: {note}", note=note, now=now)


def test_the_table_covers_every_status_and_a_dossier_is_never_unfiled():
    assert DOSSIER_MACHINE.statuses == set(DossierStatus.values)
    assert DOSSIER_MACHINE.terminal == frozenset()
    assert not DOSSIER_MACHINE.is_allowed(DossierStatus.FILED, DossierStatus.DRAFT)


def test_each_filing_writes_a_history_row_and_an_audit_entry(dossier):
    _assess(dossier, "v2")
    services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=MONDAY + timedelta(days=1))
    _assess(dossier, "v3", now=MONDAY + timedelta(days=2))
    services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=MONDAY + timedelta(days=3))
    assert status_moves(dossier) == [
        ("draft", "filed", MONDAY + timedelta(days=1), DPO.label),
        ("filed", "filed", MONDAY + timedelta(days=3), DPO.label),
    ]
    filed = AuditEntry.objects.filter(action="regulator.dossier.filed", target_id=str(dossier.pk))
    assert [entry.data["version"] for entry in filed.order_by("sequence")] == [2, 3]


def test_a_move_the_table_refuses_raises_and_writes_nothing(dossier):
    with pytest.raises(InvalidTransition) as refused, transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        dossier_transition(locked, actor=DPO, to=DossierStatus.DRAFT, now=MONDAY)
    assert refused.value.status == 409
    assert not DossierStatusChange.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DRAFT


def test_the_api_answers_a_refused_filing_with_409(dossier, dpo, as_user):
    client = as_user(dpo)
    url = f"/api/v1/dossiers/{dossier.pk}/file/"
    assert client.post(url, {}, format="json").status_code == 409  # no assessment yet
    _assess(dossier, "v2")
    assert client.post(url, {}, format="json").status_code == 200
    again = client.post(url, {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_filed")
    assert DossierStatusChange.objects.filter(dossier=dossier).count() == 1


def test_the_page_offers_filing_only_when_the_selector_allows_it(dossier, dpo, client):
    actor = actor_for_user(dpo)
    file_url = reverse("regulator:dossier_file", args=[dossier.pk])
    page_url = reverse("regulator:dossier_detail", args=[dossier.pk])
    client.force_login(dpo)
    assert dossier_allowed_actions(dossier, actor) == {"edit"}  # the assessment is not written
    assert file_url not in client.get(page_url).content.decode()
    _assess(dossier, "v2")
    dossier.refresh_from_db()
    assert dossier_allowed_actions(dossier, actor) == {"edit", "file"}
    assert file_url in client.get(page_url).content.decode()
    services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=MONDAY)
    dossier.refresh_from_db()
    assert dossier_allowed_actions(dossier, actor) == {"edit"}  # this version is already filed
    assert file_url not in client.get(page_url).content.decode()
