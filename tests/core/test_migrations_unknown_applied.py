"""A database that applied a migration this release has no file for is refused, not migrated "OK".

dsr 0012_identity_codes_per_hour was briefly on main, then deleted: a database that ran it keeps its
NOT NULL columns, and every new request's insert fails, while `migrate` reported nothing to do.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db.migrations.recorder import MigrationRecorder

from core.checks import check_unknown_applied_migrations

pytestmark = pytest.mark.django_db


def _record_applied(app: str, name: str) -> None:
    MigrationRecorder.Migration.objects.create(app=app, name=name)


def test_a_migrated_database_passes():
    assert check_unknown_applied_migrations(databases=["default"]) == []


def test_an_applied_migration_no_file_accounts_for_is_named_with_a_hint():
    _record_applied("dsr", "0012_identity_codes_per_hour")

    errors = check_unknown_applied_migrations(databases=["default"])

    assert [error.id for error in errors] == ["core.E202"]
    assert "dsr.0012_identity_codes_per_hour" in errors[0].msg
    assert "manage.py migrate dsr" in errors[0].hint


def test_a_migration_a_squash_replaces_is_accounted_for():
    _record_applied("transparency", "0002_default_texts")  # replaced by transparency 0001_squashed

    assert check_unknown_applied_migrations(databases=["default"]) == []


def test_an_app_without_migrations_in_this_release_is_not_judged():
    _record_applied("an_app_since_removed", "0001_initial")

    assert check_unknown_applied_migrations(databases=["default"]) == []


def test_migrate_stops_on_it():
    _record_applied("dsr", "0012_identity_codes_per_hour")

    with pytest.raises(SystemCheckError, match="core.E202"):
        call_command("migrate", "--noinput", verbosity=0, skip_checks=False)
