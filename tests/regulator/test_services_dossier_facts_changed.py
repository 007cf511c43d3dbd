"""A dossier is filed only with the facts of the processing as it stands: when the processing activity or
the catalogue changed since the dossier's latest version (no "Update from the catalogue" since), filing is
refused (409 `dossier_facts_changed`), neither the page nor the API offers it, and a dossier filed before
such a change no longer counts as filed as is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import Conflict
from regulator import services
from regulator.documents import dossier_document, dossier_facts, fingerprint
from regulator.models import Dossier, DossierKind, DossierStatus
from regulator.selectors import dossier_allowed_actions, dossier_duties, dossier_filed_as_is
from tests.query_counts import queries_of
from tests.regulator.factories import DPO, add_purposes_abroad, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    make_inventory()
    return make_catalogue(now=timezone.now())


def _transfer_purpose_dossier() -> Dossier:
    return Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="transfer")


def _assessed() -> Dossier:
    services.dossiers_sync(actor=DPO)
    dossier = _transfer_purpose_dossier()
    services.dossier_edit(actor=DPO, dossier_id=dossier.pk, assessment="Low risk.", note="First")
    return dossier


def _processing_widened() -> None:
    # The processing now also uses the CRM and contact details, and nobody updated the dossiers.
    services.activity_save(
        actor=DPO, purpose_code="transfer", systems=["core_banking", "crm"],
        categories=["identity", "accounts", "contact"],
    )


def test_filing_after_the_processing_changed_is_refused_until_updated_from_the_catalogue(catalogue):
    dossier = _assessed()
    _processing_widened()

    with pytest.raises(Conflict) as refused:
        services.dossier_file(actor=DPO, dossier_id=dossier.pk)
    assert refused.value.code == "dossier_facts_changed"
    assert refused.value.status == 409
    assert "update from the catalogue first" in str(refused.value.message)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.filed_version) == (DossierStatus.DRAFT, None)
    assert not AuditEntry.objects.filter(action="regulator.dossier.filed").exists()

    services.dossiers_sync(actor=DPO)
    services.dossier_file(actor=DPO, dossier_id=dossier.pk)
    dossier = Dossier.objects.get(pk=dossier.pk)
    filed = dossier_document(dossier, version=dossier.versions.get(version=dossier.filed_version))
    assert fingerprint(filed["facts"]) == fingerprint(dossier_facts(dossier))
    assert dossier_filed_as_is(dossier)


def test_the_page_and_the_api_offer_no_filing_while_the_processing_changed(catalogue, dpo, as_user, client):
    dossier = _assessed()
    api = as_user(dpo)
    base = f"/api/v1/dossiers/{dossier.pk}/"
    assert api.get(base).json()["allowed_actions"] == ["edit", "file"]
    _processing_widened()

    offered = dossier_allowed_actions(Dossier.objects.get(pk=dossier.pk), actor_for_user(dpo))
    assert sorted(offered) == ["edit"]
    assert api.get(base).json()["allowed_actions"] == ["edit"]
    listed = {d["id"]: d for d in api.get("/api/v1/dossiers/").json()["results"]}
    assert listed[str(dossier.pk)]["allowed_actions"] == ["edit"]
    answer = api.post(base + "file/", {}, format="json")
    assert answer.status_code == 409
    assert answer.json()["code"] == "dossier_facts_changed"

    client.force_login(dpo)
    page = client.get(f"/en/portal/dossiers/{dossier.pk}/")
    assert page.status_code == 200
    assert b"The processing changed since this version; update from the catalogue first." in page.content
    assert b'action="/en/portal/dossiers/' + str(dossier.pk).encode() + b'/file/"' not in page.content


def test_a_dossier_filed_before_the_processing_changed_is_no_longer_filed_as_is(catalogue, dpo, client):
    dossier = _assessed()
    services.dossier_file(actor=DPO, dossier_id=dossier.pk)
    assert dossier_filed_as_is(Dossier.objects.get(pk=dossier.pk))
    _processing_widened()

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert not dossier_filed_as_is(dossier)
    (duty,) = [d for d in dossier_duties() if d.dossier and d.dossier.pk == dossier.pk]
    assert not duty.filed
    client.force_login(dpo)
    page = client.get("/en/portal/dossiers/")
    assert b'data-state="changed_since_filing"' in page.content
    # Filing the same version again is refused for the change, not as already filed.
    with pytest.raises(Conflict) as refused:
        services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=timezone.now() + timedelta(minutes=1))
    assert refused.value.code == "dossier_facts_changed"


def test_the_dossier_lists_cost_no_query_per_dossier(catalogue, dpo, as_user, client):
    services.dossiers_sync(actor=DPO)
    api = as_user(dpo)
    client.force_login(dpo)

    def counts() -> tuple[int, int, int]:
        return (
            queries_of(lambda: api.get("/api/v1/dossiers/")),
            queries_of(lambda: client.get("/en/portal/dossiers/")),
            queries_of(lambda: client.get("/en/portal/")),
        )

    few = counts()
    add_purposes_abroad(12, now=timezone.now(), systems=["crm"], categories=["contact"])
    services.dossiers_sync(actor=DPO)
    assert Dossier.objects.count() >= 20
    assert counts() == few


def _listed(api, dossier: Dossier) -> dict:
    return {d["id"]: d for d in api.get("/api/v1/dossiers/").json()["results"]}[str(dossier.pk)]


def test_the_api_says_whether_the_processing_changed_as_the_pages_do(catalogue, dpo, auditor, as_user):
    """A client learns of the change from the dossier itself, not only from a refused filing: the list,
    the document and a filing's answer carry `facts_changed`, for a reader too."""
    dossier = _assessed()
    api, reader = as_user(dpo), as_user(auditor)
    base = f"/api/v1/dossiers/{dossier.pk}/"
    assert (_listed(api, dossier)["facts_changed"], api.get(base).json()["facts_changed"]) == (False, False)
    _processing_widened()

    for client in (api, reader):
        assert _listed(client, dossier)["facts_changed"] is True
        assert client.get(base).json()["facts_changed"] is True
        assert client.get(base + "?version=1").json()["facts_changed"] is True
    services.dossiers_sync(actor=DPO)
    assert _listed(api, dossier)["facts_changed"] is False
    filed = api.post(base + "file/", {}, format="json")
    assert (filed.status_code, filed.json()["facts_changed"]) == (200, False)


def test_the_schema_documents_facts_changed_as_a_read_only_boolean(api):
    schema = api.get("/api/schema/?format=json").json()
    field = schema["components"]["schemas"]["DossierOutput"]["properties"]["facts_changed"]
    assert (field["type"], field.get("readOnly")) == ("boolean", True)
    assert "dossier_facts_changed" in field["description"]
