"""`flush` between transactional tests (audit/management/commands/flush.py): on PostgreSQL, with the
sequences kept as Django's test teardown asks, only the tables holding a row are emptied; the result is
Django's own flush: every table empty, the audit trail too (its trigger refuses DELETE), and what
post_migrate seeds (role groups, permissions, policies) written again."""
from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command

from audit.models import AuditEntry
from consents.models import Consent
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject
from tests.runs import only_on

pytestmark = [
    pytest.mark.django_db(transaction=True),
    only_on("postgresql", "SQLite's flush is Django's own, with the trail's DELETE guard lifted"),
]


def _rows_per_table() -> dict[str, int]:
    counts = {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
    }
    return {table: count for table, count in counts.items() if count}


def _filled() -> None:
    grant(make_subject(), make_purpose("flush-marketing", category="marketing"))
    assert AuditEntry.objects.exists() and Consent.objects.exists()


def test_flush_keeping_sequences_leaves_what_djangos_flush_leaves():
    _filled()
    call_command("flush", verbosity=0, interactive=False)  # Django's own: TRUNCATE of every table
    after_djangos = _rows_per_table()
    _filled()

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)

    assert _rows_per_table() == after_djangos
    assert "audit_auditentry" not in after_djangos and "core_datasubject" not in after_djangos
    assert "auth_group" in after_djangos
