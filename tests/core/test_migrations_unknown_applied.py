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


# django-celery-beat 1.x shipped this squash; 2.x deleted it (its operations are in the files it kept).
PACKAGE_SQUASH_DELETED = (
    "django_celery_beat", "0005_add_solarschedule_events_choices_squashed_0009_merge_20181012_1416"
)


def test_a_packages_deleted_migration_is_the_packages_business():
    # A package that squashed and then deleted its old files, as Django's docs tell it to, leaves rows
    # Django treats as harmless; the bank cannot undo them with "the build that had it".
    _record_applied(*PACKAGE_SQUASH_DELETED)

    assert check_unknown_applied_migrations(databases=["default"]) == []


def test_migrate_prune_clears_a_packages_stale_row():
    _record_applied(*PACKAGE_SQUASH_DELETED)

    call_command("migrate", PACKAGE_SQUASH_DELETED[0], "--prune", "--noinput", verbosity=0, skip_checks=False)

    assert not MigrationRecorder.Migration.objects.filter(
        app=PACKAGE_SQUASH_DELETED[0], name=PACKAGE_SQUASH_DELETED[1]
    ).exists()

