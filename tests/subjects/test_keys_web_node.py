"""A web node started the documented way (`gunicorn -c config/gunicorn.conf.py config.wsgi`,
docs/operations.md) with keys that cannot read or verify the stored data refuses to start, as
docs/deployment.md says and as manage.py and Celery do (subjects/checks.py, audit/checks.py): a node
that served would show staff ciphertext, miss every blind-index look-up, and encrypt ciphertext again
on the next save."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection

from tests.factories import make_subject

pytestmark = pytest.mark.django_db(transaction=True)  # committed: the node reads the same database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "localhost", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


def _start_web_node(tmp_path, **env_overrides) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update({
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(tmp_path / "var"),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "1",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        **env_overrides,
    })
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi",
         "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    return process, port


def _serves(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _run_until_serving_or_stopped(process: subprocess.Popen, port: int) -> tuple[bool, str]:
    try:
        deadline = time.monotonic() + 45
        serving = False
        while time.monotonic() < deadline and process.poll() is None:
            if _serves(port):
                serving = True
                break
            time.sleep(0.3)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    return serving, process.stdout.read() if process.stdout else ""


def test_a_web_node_with_the_right_keys_serves(tmp_path):
    make_subject()
    process, port = _start_web_node(tmp_path)

    serving, output = _run_until_serving_or_stopped(process, port)

    assert serving, output[-3000:]


@pytest.mark.parametrize(("variable", "value"), [
    ("FIELD_ENCRYPTION_KEY", lambda: Fernet.generate_key().decode()),
    ("BLIND_INDEX_KEY", lambda: secrets.token_urlsafe(48)),
    ("AUDIT_MAC_KEY", lambda: secrets.token_urlsafe(48)),  # replaced, not put first before the old one
])
def test_a_web_node_with_a_key_that_cannot_read_the_data_refuses_to_start(tmp_path, variable, value):
    make_subject()  # encrypted, blind-indexed and audited
    process, port = _start_web_node(tmp_path, **{variable: value()})

    serving, output = _run_until_serving_or_stopped(process, port)

    assert not serving, (
        f"gunicorn started and answers /healthz 200 with a {variable} that cannot read the stored data: "
        "staff would read ciphertext, look-ups would miss, and a save would encrypt it again"
    )
    assert process.returncode != 0
    assert variable in output
