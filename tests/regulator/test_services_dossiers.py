"""Impact-assessment dossiers: one per purpose and per foreign recipient, the 60-day status, versions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from core.errors import Conflict, InvalidInput
from regulator import services
from regulator.models import Dossier, DossierKind, DossierStatus
from regulator.selectors import dossier_duties
from tests.consents.factories import announce_on_time
from tests.regulator.factories import DPO, MONDAY, add_purposes_abroad, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db
# The filing badge of a dossier on its list and its page: what it says, as the page marks it.
STATE = re.compile(r'data-testid="dossier-filing" data-state="([a-z_]+)"')


@pytest.fixture
def catalogue():
    make_inventory()
    return make_catalogue()


def test_sync_creates_one_dossier_per_purpose_and_per_transfer_with_60_days(catalogue):
    result = services.dossiers_sync(actor=DPO, now=MONDAY)
    assert result == {"created": 4, "versioned": 0}
    kinds = sorted((d.kind, d.purpose.code) for d in Dossier.objects.select_related("purpose"))
    assert kinds == [
        ("processing", "banking"),
        ("processing", "marketing"),
        ("processing", "transfer"),
        ("transfer", "transfer"),
    ]
    marketing = Dossier.objects.get(purpose__code="marketing")
    # Started 10 days before MONDAY: 60 calendar days end at the end of the local day.
    start_local = (MONDAY - timedelta(days=10)).date()
    assert marketing.due_at.astimezone(MONDAY.tzinfo).date() == start_local + timedelta(days=60)
    assert (
        marketing.due_at.astimezone(MONDAY.tzinfo).hour,
        marketing.due_at.astimezone(MONDAY.tzinfo).minute,
    ) == (23, 59)
    # Idempotent: an unchanged catalogue writes nothing.
    assert services.dossiers_sync(actor=DPO, now=MONDAY) == {"created": 0, "versioned": 0}


def test_each_purpose_shows_filed_overdue_or_due(catalogue):
    services.dossiers_sync(actor=DPO, now=MONDAY)
    transfer = Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="transfer")
    services.dossier_edit(
        actor=DPO,
        dossier_id=transfer.pk,
        assessment="Low risk; encryption in transit.",
        note="First assessment",
        now=MONDAY,
    )
    services.dossier_file(actor=DPO, dossier_id=transfer.pk, authority_reference="A05-123", now=MONDAY)
    rows = {(d.kind, d.purpose.code): d for d in dossier_duties()}
    assert rows[("processing", "transfer")].filed
    # Banking started 90 days ago: its 60 days ran out; marketing (10 days ago) is not yet due.
    assert rows[("processing", "banking")].overdue(MONDAY)
    assert not rows[("processing", "marketing")].overdue(MONDAY)
    assert not rows[("processing", "marketing")].due_soon(MONDAY)
    assert rows[("processing", "marketing")].due_soon(MONDAY + timedelta(days=40))


def test_filing_needs_an_assessment_and_a_new_version_can_be_filed_again(catalogue):
    services.dossiers_sync(actor=DPO, now=MONDAY)
    dossier = Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="marketing")
    with pytest.raises(Conflict):
        services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=MONDAY)
    with pytest.raises(InvalidInput):
        services.dossier_edit(actor=DPO, dossier_id=dossier.pk, assessment="x", note="", now=MONDAY)
    services.dossier_edit(
        actor=DPO, dossier_id=dossier.pk, assessment="Risks reviewed.", note="v2", now=MONDAY
    )
    filed = services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=MONDAY)
    assert (filed.status, filed.filed_version) == (DossierStatus.FILED, 2)
    with pytest.raises(Conflict):
        services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=MONDAY)


def _marketing_becomes_sensitive() -> None:
    """The catalogue's marketing purpose gets a new version, now sensitive, in force a month later."""
    consent_services.purpose_update(
        actor=DPO,
        code="marketing",
        changes={"sensitive": True},
        effective_at=timezone.now() + timedelta(days=31),
    )
    announce_on_time("marketing")
    consent_services.purpose_versions_apply_due(now=timezone.now() + timedelta(days=32))


def test_a_catalogue_change_writes_a_new_version_with_its_change_log(catalogue):
    services.dossiers_sync(actor=DPO, now=MONDAY)
    _marketing_becomes_sensitive()
    assert services.dossiers_sync(actor=DPO, now=MONDAY + timedelta(days=1)) == {"created": 0, "versioned": 1}
    dossier = Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="marketing")
    latest = dossier.versions.order_by("-version").first()
    # The purpose's new version brings its own notice version.
    assert (latest.version, latest.cause) == (2, "catalogue")
    assert latest.changed_fields == ["notice_version", "sensitive"]


def test_saving_an_activity_names_the_unknown_codes():
    make_inventory()
    make_catalogue()
    with pytest.raises(InvalidInput) as refused:
        services.activity_save(
            actor=DPO, purpose_code="marketing", systems=["crm", "mainframe", "fax"], categories=["contact"]
        )
    assert refused.value.field == "systems"
    assert "fax, mainframe" in str(refused.value.text)
    with pytest.raises(InvalidInput) as refused:
        services.activity_save(actor=DPO, purpose_code="marketing", systems=["crm"], categories=["dna"])
    assert refused.value.field == "categories"
    assert "dna" in str(refused.value.text)


def _sync_queries(now) -> int:
    with CaptureQueriesContext(connection) as captured:
        services.dossiers_sync(actor=DPO, now=now)
    return len(captured)


def test_sync_reads_cost_the_same_queries_for_3_or_10_purposes():
    make_inventory()
    now = MONDAY
    make_catalogue()
    services.dossiers_sync(actor=DPO, now=now)
    small = _sync_queries(now)
    assert small <= 12
    add_purposes_abroad(7, now=now, systems=["core_banking"], categories=["accounts"])
    assert services.dossiers_sync(actor=DPO, now=now) == {"created": 14, "versioned": 0}
    assert Dossier.objects.values("purpose").distinct().count() == 10
    assert _sync_queries(now) == small
    # A changed purpose is still seen, with the facts that changed.
    services.activity_save(
        actor=DPO, purpose_code="extra-3", systems=["crm"], categories=["accounts"], now=now
    )
    assert services.dossiers_sync(actor=DPO, now=now) == {"created": 0, "versioned": 2}
    dossier = Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="extra-3")
    assert dossier.versions.get(version=2).changed_fields == ["systems"]


def test_a_version_after_the_filed_one_is_not_filed_on_the_dashboard_and_pages(catalogue, client, dpo):
    """Filed v1, then the purpose became sensitive (v2, a new risk): the authority holds an outdated
    dossier. The dashboard card counts it as not filed, and the list and the dossier page say the new
    version is not filed yet; the 60 days were for the first filing, so it is not overdue."""
    services.dossiers_sync(actor=DPO, now=MONDAY)
    for dossier in Dossier.objects.all():
        services.dossier_edit(actor=DPO, dossier_id=dossier.pk, assessment="Risk: low", note="v", now=MONDAY)
        services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=MONDAY)
    _marketing_becomes_sensitive()
    assert services.dossiers_sync(actor=DPO, now=MONDAY + timedelta(days=1))["versioned"] == 1
    marketing = Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="marketing")
    assert (marketing.filed_version, marketing.current_version) == (2, 3)
    (duty,) = [d for d in dossier_duties() if d.dossier and d.dossier.pk == marketing.pk]
    assert not duty.filed and not duty.overdue(timezone.now())
    client.force_login(dpo)
    cards = client.get(reverse("portal:dashboard")).context["cards"]
    (card,) = [c for c in cards if c["url"] == reverse("regulator:dossier_list")]
    assert (card["value"], card["tone"]) == (1, "warn")
    listed = client.get(reverse("regulator:dossier_list")).content.decode()
    assert sorted(STATE.findall(listed)) == ["filed", "filed", "filed", "new_version_not_filed"]
    page = client.get(reverse("regulator:dossier_detail", args=[marketing.pk])).content.decode()
    assert STATE.findall(page) == ["new_version_not_filed"]
    for html in (listed, page):
        assert "v3 not filed yet" in html
