"""System checks of the kernel, and the tag of the start-up checks on keys: encryption, blind-index and
audit-seal keys that cannot read or verify the data already stored stop `check`, `migrate` and Celery
(subjects/checks.py runs them)."""
from __future__ import annotations

from django.core import checks
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

KEYS_TAG = "keys"


@checks.register(checks.Tags.database)
def check_squashed_history(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse a database that ran only part of the migrations a squashed migration replaces.

    Django cannot migrate such a database with the squash (the migrations it would need are gone),
    and does not say so: it leaves the squash out of the plan and reports nothing to do while the
    schema lags behind. `migrate` runs this check first.
    """
    errors: list[checks.CheckMessage] = []
    for alias in databases or ():
        try:
            loader = MigrationLoader(connections[alias])
        except DatabaseError:
            continue  # no database yet: nothing recorded
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
