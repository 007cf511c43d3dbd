"""Helpers for the tests of data migrations.

A migration runs for ever against the schema of its time: project code it imports (services, builders)
changes later and would break or change it, so it imports Django and the standard library only and
reads the historical models `apps.get_model` gives. Its tests run it with that registry and today's.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from subjects.keys import field_crypter


def registry_at(targets: list[tuple[str, str]]) -> Apps:
    """The app registry as `migrate` gives a migration that runs after `targets`: the models as they
    stood then."""
    return MigrationExecutor(connection).loader.project_state(targets).apps


def registries_after(targets: list[tuple[str, str]]):
    """A test's `migration_apps` fixture: the registry `migrate` gives a migration that runs after
    `targets` (`registry_at`), then today's."""

    @pytest.fixture(params=["historical", "current"])
    def migration_apps(request, db):
        return registry_at(targets) if request.param == "historical" else django_apps

    return migration_apps


def imports_of_others(migration: ModuleType) -> list[str]:
    """The modules `migration` imports that are neither Django's nor the standard library's."""
    tree = ast.parse(Path(migration.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    allowed = set(sys.stdlib_module_names) | {"django"}
    return sorted(module for module in modules if module.split(".")[0] not in allowed)


def stored(model, column: str, pk) -> str:
    """The text stored in `column` of one row, as the database holds it (ciphertext, for an encrypted one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s",  # noqa: S608 - the model's table
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        return cursor.fetchone()[0]


def decrypted(model, column: str, pk) -> str:
    """The words an encrypted column of one row holds, decrypted with the platform's keys."""
    return field_crypter().decrypt(stored(model, column, pk).encode()).decode()


def store_plain(model, column: str, pk, value: str) -> None:
    """Write `value` as the code before a migration encrypting `column` stored it: plain text."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s",  # noqa: S608 - the model's table
            [value, model._meta.pk.get_db_prep_value(pk, connection)],
        )
