"""Running calls side by side in threads, for the tests of what happens when they race."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connections


def race(calls: list[Callable], *, timeout: float = 120) -> list:
    """Run each zero-argument callable in its own thread, all released at once; return, in the order
    of `calls`, what each returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int, call: Callable) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - a thread cannot fail the test; the caller looks
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def run_together(calls: list[Callable], *, timeout: float = 120) -> list:
    """`race`, where no call may fail: returns what each returned."""
    outcomes = race(calls, timeout=timeout)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors
    return outcomes


def start_in_other_connection(call: Callable, *, settle: float = 3) -> Callable[[], object]:
    """Start `call` in a thread with its own connection and give it `settle` seconds to read and then
    block on a lock the caller's open transaction holds. Returns a function that waits for the thread
    and returns what `call` returned (failing the test when it raised)."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = call()
        except Exception as error:  # noqa: BLE001 - a thread cannot fail the test; `result` does
            out["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(settle)

    def result() -> object:
        thread.join(60)
        assert not thread.is_alive(), "the call in the other connection did not finish"
        assert "error" not in out, out
        return out["value"]

    return result
