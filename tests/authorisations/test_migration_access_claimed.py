"""Migration 0007: the access records written before it learn whether the gateway claimed them
(`claimed`) and when a report reached the bank (`reported_at`), from the audit trail's claim entries, so
that a report naming an earlier claim completes it. It runs on the models as they stand at 0007 (the
historical registry, as `migrate` gives it) and on today's."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from authorisations import services
from authorisations.models import AccessRecord
from core.actors import Actor
from tests.authorisations.factories import authorise, register
from tests.factories import make_customer
from tests.migrations import imports_of_others

migration = importlib.import_module("authorisations.migrations.0007_access_claimed_and_reported")
GATEWAY = Actor(kind="client", user_id=None, label="gateway_t")


@pytest.fixture(params=["historical", "current"])
def migration_apps(request, db):
    if request.param == "current":
        return django_apps
    at = [("authorisations", "0007_access_claimed_and_reported"), *migration.Migration.dependencies[1:]]
    return MigrationExecutor(connection).loader.project_state(at).apps


def test_the_migration_imports_nothing_of_the_project():
    assert imports_of_others(migration) == []


def test_claims_are_found_in_the_audit_trail_and_every_other_read_was_reported(migration_apps):
    registration = register()
    authorisation = authorise(make_customer(), registration=registration, scopes=("accounts:read",
                                                                                  "transactions:read"))
    other = authorise(make_customer(), registration=registration)
    claims = [
        services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope=scope)
        for scope in ("accounts:read", "transactions:read", "accounts:read")
    ]
    other_claim = services.access_claim(actor=GATEWAY, authorisation_id=other.pk, scope="accounts:read")
    # A read served without a claim: at its own time (at the first claim's own time it would be that
    # claim's report, test_api_unclaimed_report_of_a_claim.py).
    reported = services.access_record(
        actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read",
        accessed_at=claims[0].accessed_at - timedelta(seconds=1), record_count=2,
    )
    # Written without an audit entry (seeded, or by hand): a read, nothing says it was claimed.
    unaudited = AccessRecord.objects.create(
        authorisation=other, scope="accounts:read", accessed_at=timezone.now(), reported_by="gw"
    )
    AccessRecord.objects.update(claimed=False, reported_at=None)  # as the columns were added

    migration.mark_claims_and_reports(migration_apps, None)

    rows = {r.pk: (r.claimed, r.reported_at) for r in AccessRecord.objects.all()}
    assert rows == {
        **{c.pk: (True, None) for c in [*claims, other_claim]},
        reported.pk: (False, AccessRecord.objects.get(pk=reported.pk).created_at),
        unaudited.pk: (False, AccessRecord.objects.get(pk=unaudited.pk).created_at),
    }
    # Run again (a second deploy), nothing changes.
    migration.mark_claims_and_reports(migration_apps, None)
    assert {r.pk: (r.claimed, r.reported_at) for r in AccessRecord.objects.all()} == rows


def test_a_claim_made_before_the_migration_is_completed_by_its_report(migration_apps):
    authorisation = authorise(make_customer(), registration=register())
    claimed = services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read")
    AccessRecord.objects.update(claimed=False, reported_at=None)
    migration.mark_claims_and_reports(migration_apps, None)

    record = services.access_record(
        actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read",
        accessed_at=timezone.now(), record_count=4, claim=claimed.pk,
    )

    assert (record.pk, record.record_count, record.claimed) == (claimed.pk, 4, True)
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1
