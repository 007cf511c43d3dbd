"""Private servers for the fault tests: a Redis of our own, a webhook receiver, a real Celery worker,
a PostgreSQL cluster of our own. Nothing here touches the shared Redis (6379) or PostgreSQL (5432).

The Redis and the receiver take a port the system says is free, not a fixed one: CI runs the suite
twice side by side (SQLite and PostgreSQL), and both reach these tests at about the same time.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.runs import IN_CI

ROOT = Path(__file__).resolve().parents[2]


def require(binary: str) -> str:
    """The binary's path; skip (or fail in CI, which installs it) when it is missing."""
    path = shutil.which(binary)
    if path is None:
        message = f"{binary} is not installed"
        if IN_CI:
            pytest.fail(f"{message}; CI must install it (.ci/run)")
        pytest.skip(message)
    return path


def free_port() -> int:
    """A TCP port nothing listens on now, for a server that must keep one port across restarts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, up: bool = True, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} did not come {'up' if up else 'down'}")


class PrivateRedis:
    """A throw-away redis-server that can be stopped and started again on the same port."""

    def __init__(self, directory: Path, port: int | None = None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        # Its own directory: redis-server loads any dump.rdb in its working directory at start.
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                require("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        wait_for_port(self.port, up=False)


def point_celery_at(broker_url: str, transport_options: dict | None = None) -> tuple[str, dict]:
    """Make this process publish to `broker_url`, forgetting the pooled connections to the old
    broker; returns the previous URL and transport options, to put back afterwards."""
    from config.celery import app

    previous = (app.conf.broker_url, dict(app.conf.broker_transport_options or {}))
    app.conf.broker_url = broker_url
    app.conf.broker_transport_options = transport_options if transport_options is not None else {}
    app._pool = None
    app.amqp._producer_pool = None
    return previous


class Receiver:
    """A webhook receiver that records every POST and, like a careful receiver, processes each
    delivery id (`X-QDL-Delivery`) once. `stall` makes it hang on the first delivery of an id;
    `failing` makes it answer 500 (and act on nothing) until it is cleared."""

    def __init__(self, port: int = 0):
        self.requests: list[tuple[str, bytes]] = []
        self.processed: list[str] = []
        self.stall = False
        self.failing = False
        self.release = threading.Event()
        self.first_arrived = threading.Event()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                delivery = self.headers["X-QDL-Delivery"]
                first = delivery not in {d for d, _ in owner.requests}
                owner.requests.append((delivery, body))
                if owner.stall and first:
                    owner.first_arrived.set()
                    owner.release.wait(30)
                    return  # the sender was killed meanwhile: nobody to answer
                if owner.failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                if delivery not in owner.processed:
                    owner.processed.append(delivery)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        # Port 0: the system picks a free one.
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def database_url() -> str:
    """The test database as a URL a subprocess (worker, gunicorn) can open."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def start_worker(
    broker_url: str | None = None,
    *,
    queue: str = "celery",
    pool: str = "solo",
    log: Path | None = None,
    env: dict[str, str] | None = None,
):
    """A real `celery -A config worker` on the test database and the given broker (None: the suite's
    own, from REDIS_URL or the file broker), with `env` added to its environment."""
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    broker = {"REDIS_URL": broker_url} if broker_url is not None else {}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(), **broker, **(env or {})},
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def postgres_bindir() -> Path:
    """The newest installed PostgreSQL's binaries (Debian keeps them out of PATH)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if versions:
        return versions[-1].parent
    return Path(require("initdb")).resolve().parent


class PrivateCluster:
    """A PostgreSQL cluster of our own in a temporary directory (run as the postgres user when we
    are root, as initdb requires), so restarting it disturbs nobody."""

    def __init__(self, port: int = 5439):
        self.port = port
        self.bindir = postgres_bindir()
        self.directory = Path(tempfile.mkdtemp(prefix="qdl-pg-"))
        self.data = self.directory / "data"
        self.url = f"postgres://qdl_fault@127.0.0.1:{port}/qdl_fault"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "qdl_fault", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        self.start()
        subprocess.run(
            [
                str(self.bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "qdl_fault",
                "qdl_fault",
            ],
            check=True,
            timeout=30,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.directory, ignore_errors=True)
