"""System checks of the kernel: the database's migration history against the migration files, and the
tag of the start-up checks on keys: encryption, blind-index and audit-seal keys that cannot read or verify
the data already stored stop `check`, `migrate` and Celery (subjects/checks.py runs them)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

KEYS_TAG = "keys"


def _migration_loaders(databases) -> Iterator[tuple[str, MigrationLoader]]:
    """(alias, its migration loader) of each database that has a migration history."""
    for alias in databases or ():
        try:
            yield alias, MigrationLoader(connections[alias])
        except DatabaseError:
            continue  # no database yet: nothing recorded


@checks.register(checks.Tags.database)
def check_squashed_history(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse a database that ran only part of the migrations a squashed migration replaces.

    Django cannot migrate such a database with the squash (the migrations it would need are gone),
    and does not say so: it leaves the squash out of the plan and reports nothing to do while the
    schema lags behind. `migrate` runs this check first.
    """
    errors: list[checks.CheckMessage] = []
    for alias, loader in _migration_loaders(databases):
        for (app_label, name), migration in sorted(loader.replacements.items()):
            applied = sum(replaced in loader.applied_migrations for replaced in migration.replaces)
            if 0 < applied < len(migration.replaces):
                errors.append(checks.Error(
                    f"The database '{alias}' ran {applied} of the {len(migration.replaces)} migrations "
                    f"that {app_label}.{name} replaces: it is older than the squash.",
                    hint="Migrate it first with a release at or before d3d8738, then with this one "
                         '(docs/deployment.md, "Squashed migrations").',
                    id="core.E201",
                ))
    return errors


def _project_apps() -> set[str]:
    """The labels of the project's own apps: the folders at the top of the repository (packages live in
    the virtualenv's site-packages)."""
    root = Path(settings.BASE_DIR).resolve()
    return {config.label for config in apps.get_app_configs() if Path(config.path).resolve().parent == root}


@checks.register(checks.Tags.database)
def check_unknown_applied_migrations(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse a database that applied a migration no file of this release accounts for.

    A migration briefly on main and then deleted (dsr 0012_identity_codes_per_hour) may have left
    columns or constraints no model knows of: every insert into the table then fails. Django only
    plans the files it has, so `migrate` would report success. Only the project's own apps with
    migrations in this release are looked at: a package that squashed and then deleted its old files,
    as Django's docs tell it to, leaves rows Django treats as harmless. A migration a squash replaces
    is accounted for by the squash.
    """
    errors: list[checks.CheckMessage] = []
    own = _project_apps()
    for alias, loader in _migration_loaders(databases):
        accounted = set(loader.disk_migrations)
        for migration in loader.replacements.values():
            accounted.update(migration.replaces)
        unknown = sorted(
            key for key in loader.applied_migrations
            if key[0] in own and key[0] in loader.migrated_apps and key not in accounted
        )
        for app_label, name in unknown:
            errors.append(checks.Error(
                f"The database '{alias}' applied {app_label}.{name}, a migration this release does not "
                "have: its schema changes may still be in the database.",
                hint=f"Undo it with the build that had it (manage.py migrate {app_label} <the migration "
                     "before it>), then upgrade; or undo its changes by hand, then delete its row "
                     f"(manage.py migrate {app_label} --prune --skip-checks) "
                     '(docs/deployment.md, "Migrations this release does not have").',
                id="core.E202",
            ))
    return errors
