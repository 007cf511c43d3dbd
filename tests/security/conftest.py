"""Fixtures of the security tests: the API fuzzing world (one token per role, some data to find)."""
from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line("markers", "fuzz: schemathesis fuzzing of the whole API (bounded in the suite)")
