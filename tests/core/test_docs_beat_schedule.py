"""docs/operations.md's schedule table names every job beat sends (config/celery.py), and no job that
is gone: the operators read that table to know what runs on its own, so it must not fall behind."""

from __future__ import annotations

import re
from pathlib import Path

from config.celery import app

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
TABLE_HEADING = "## The schedule"


def _documented_jobs() -> list[str]:
    """The names in the first column of the table under the schedule's heading, in its order."""
    section = OPERATIONS.read_text(encoding="utf-8").split(TABLE_HEADING, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("## "):
            break
        if match := re.match(r"\|\s*`([^`]+)`\s*\|", line):
            rows.append(match.group(1))
    return rows


def test_the_table_reader_finds_the_table():
    assert "sweep-deadlines" in _documented_jobs()


def test_every_beat_entry_is_in_the_operations_schedule_table():
    missing = sorted(set(app.conf.beat_schedule) - set(_documented_jobs()))
    assert missing == [], f"add these beat entries to the table in docs/operations.md: {missing}"


def test_the_table_names_no_job_beat_does_not_send_and_none_twice():
    documented = _documented_jobs()
    assert sorted(set(documented) - set(app.conf.beat_schedule)) == []
    assert len(documented) == len(set(documented))
