"""The read replica: which reads may go there (core/replica.py), on any database.

The streaming replica itself is tested in test_replica_streaming.py (PostgreSQL, .ci/run)."""
from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS

from consents.models import Consent
from core import replica
from core.replica import REPLICA, ReplicaRouter, replica_reads

router = ReplicaRouter()


@pytest.fixture
def reachable_replica(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "_replica_reachable", lambda: True)


def test_reads_stay_on_the_primary_unless_the_code_asks_for_the_replica(reachable_replica):
    assert router.db_for_read(Consent) == DEFAULT_DB_ALIAS
    with replica_reads() as on_replica:
        assert on_replica
        assert router.db_for_read(Consent) == REPLICA
        assert router.db_for_write(Consent) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Consent) == DEFAULT_DB_ALIAS


def test_a_read_inside_a_transaction_on_the_primary_stays_there(reachable_replica, monkeypatch):
    # A read inside the primary's transaction decides a write: a lagging copy must never answer it.
    monkeypatch.setattr(replica.connections[DEFAULT_DB_ALIAS], "in_atomic_block", True)
    with replica_reads():
        assert router.db_for_read(Consent) == DEFAULT_DB_ALIAS


def test_without_a_replica_every_read_goes_to_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: False)
    with replica_reads() as on_replica:
        assert not on_replica
        assert router.db_for_read(Consent) == DEFAULT_DB_ALIAS


def test_the_replica_is_never_migrated():
    assert router.allow_migrate(REPLICA, "consents") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "consents") is True


@pytest.mark.django_db
def test_health_says_when_no_replica_is_configured(api, monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: False)
    body = api.get("/healthz").json()
    assert body["replica"] == "off"
