"""Menu entries and dashboard cards of the regulator app."""

from __future__ import annotations


def register() -> None:
    return None
