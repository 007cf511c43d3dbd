"""Running calls side by side in threads, for the tests of what happens when they race."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Model
from django.utils import translation


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


def started_in_other_connection(call: Callable) -> tuple[threading.Thread, dict]:
    """Start `call` in a thread with its own connection, in the caller's language (a new thread would
    speak the site's default, and a test reading a message asserts the words of its own). Returns the
    thread and the dict that gets what `call` returned (`value`) or raised (`error`) once it ends, for a
    test that watches it wait (`lock_waited_for`) while its own transaction holds a lock."""
    out: dict = {}
    language = translation.get_language()

    def run() -> None:
        try:
            with translation.override(language):
                out["value"] = call()
        except Exception as error:  # noqa: BLE001 - a thread cannot fail the test; the test looks
            out["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def start_in_other_connection(call: Callable, *, settle: float = 3) -> Callable[[], object]:
    """Start `call` in a thread with its own connection and give it `settle` seconds to read and then
    block on a lock the caller's open transaction holds. Returns a function that waits for the thread
    and returns what `call` returned (failing the test when it raised)."""
    thread, out = started_in_other_connection(call)
    time.sleep(settle)

    def result() -> object:
        thread.join(60)
        assert not thread.is_alive(), "the call in the other connection did not finish"
        assert "error" not in out, out
        return out["value"]

    return result


@contextmanager
def held_in_other_connection(row: Model, *, wait: float = 20) -> Iterator[Callable[[], None]]:
    """Another connection locks `row` (FOR NO KEY UPDATE, as every writer locks a customer) and holds it
    until the function yielded is called, or the block ends; once that function returns, the other
    transaction has ended. For a test that lets a call waiting for the row go on at a chosen moment.
    The block fails when the other connection has not locked the row within `wait` seconds."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            type(row).objects.select_for_update(no_key=True).filter(pk=row.pk).first()
            held.set()
            release.wait(60)

    def let_go() -> None:
        release.set()
        thread.join(60)
        assert not thread.is_alive() and "error" not in out, out

    thread, out = started_in_other_connection(hold)
    try:
        assert held.wait(wait), out
        yield let_go
    finally:
        if held.is_set():
            let_go()
        else:
            # Still waiting for the row (perhaps for the caller's own lock): once it gets it, it lets it
            # go at once instead of holding it past the test, where the next flush would wait for it.
            release.set()


def lock_waited_for(*, until: Callable[[], bool], timeout: float = 20, count: int = 1) -> bool:
    """Wait (PostgreSQL) until `count` other connections to this database wait for a lock; give up when
    `until()` becomes true or after `timeout` seconds. Returns whether they waited. The caller may be
    inside a transaction: the activity snapshot is cleared before each look."""
    waiting = (
        "SELECT count(DISTINCT l.pid) >= %s FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE NOT l.granted AND a.datname = current_database() AND a.pid <> pg_backend_pid()"
    )
    return _seen(waiting, [count], until=until, timeout=timeout)


def waited_for_me(*, until: Callable[[], bool], timeout: float = 20) -> bool:
    """`lock_waited_for`, where the lock waited for is one this connection's transaction holds."""
    waiting_for_me = (
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
        "AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))"
    )
    return _seen(waiting_for_me, [], until=until, timeout=timeout)


def _seen(query: str, params: list, *, until: Callable[[], bool], timeout: float) -> bool:
    """Run `query` (one true or false) until it answers true, `until()` becomes true, or `timeout`
    seconds have passed; whether it answered true."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and not until():
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(query, params)
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def row_free(row: Model) -> bool:
    """Can this transaction lock `row` at once (PostgreSQL: nobody else holds it)?"""
    try:
        with transaction.atomic():
            type(row).objects.select_for_update(nowait=True).filter(pk=row.pk).first()
    except DatabaseError:
        return False
    return True
