"""Which run of the suite a check belongs to.

CI runs the whole suite twice, side by side: on SQLite (the embedded default) and on PostgreSQL +
Redis. A check whose answer does not depend on the database engine is worth one of those runs, not
both; a developer's own run, on either engine, still includes it. A check tied to one engine's own
files or tools runs only on that engine.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"
RUN_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class _EngineIsNot:
    """A skip condition read when the test runs (pytest takes its truth then), not when this module is
    imported: the benchmarks import the test servers, and this module with them, before Django's
    database settings are ready."""

    engine: str
    in_ci_only: bool = False

    def __bool__(self) -> bool:
        return (IN_CI or not self.in_ci_only) and connection.vendor != self.engine


def once_in_ci(engine: str, why: str) -> pytest.MarkDecorator:
    """In CI, only in the run on `engine`; `why` says why the engine does not matter."""
    reason = f"{why}: CI checks it once, in its {RUN_NAMES[engine]} run"
    return pytest.mark.skipif(_EngineIsNot(engine, in_ci_only=True), reason=reason)


def only_on(engine: str, why: str) -> pytest.MarkDecorator:
    """Only where the suite runs on `engine`; `why` names what ties the check to it."""
    reason = f"runs in the {RUN_NAMES[engine]} run ({why})"
    return pytest.mark.skipif(_EngineIsNot(engine), reason=reason)


# Each browser task flow runs in one of CI's two runs, split so that the two take about as long.
_SAME_PAGES = "a browser sees the same pages on any database"
BROWSER_FLOWS_ON_POSTGRESQL = once_in_ci("postgresql", _SAME_PAGES)
BROWSER_FLOWS_ON_SQLITE = once_in_ci("sqlite", _SAME_PAGES)
