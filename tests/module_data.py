"""Data built once for a whole test module, for modules whose many tests read the same world.

The way Django's `TestCase.setUpTestData` does it: the data is written in transactions that are rolled
back after the module, and each test (marked `django_db`, not `transaction=True`) runs in a savepoint
inside them, so what one test writes is gone before the next.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from django.test import TestCase, override_settings

T = TypeVar("T")


def built_once_for_the_module(build: Callable[[], T], django_db_blocker, tmp_path_factory) -> Iterator[T]:
    """Use from a module-scoped fixture: `yield from built_once_for_the_module(build, ...)`.

    The per-test fixtures of `tests/conftest.py` are not active at module scope; the two that matter
    for building data are set here as well: fast password hashing and a private audit checkpoint folder.
    """
    fast_and_private = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        AUDIT_CHECKPOINT_DIR=tmp_path_factory.mktemp("audit-checkpoints"),
    )
    with django_db_blocker.unblock(), fast_and_private:
        atomics = TestCase._enter_atomics()
        try:
            yield build()
        finally:
            TestCase._rollback_atomics(atomics)
