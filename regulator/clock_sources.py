"""The regulator's clocks (breach notifications, dossiers) for the shared deadline machinery."""

from __future__ import annotations


def register() -> None:
    return None
