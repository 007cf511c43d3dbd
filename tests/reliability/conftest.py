"""Prints the figures of every fault test that ran (`tests/reliability/figures.py`)."""
from __future__ import annotations

from tests.reliability.figures import tables


def pytest_terminal_summary(terminalreporter):
    lines = tables()
    if lines:
        terminalreporter.section("fault figures")
        for line in lines:
            terminalreporter.write_line(line)
