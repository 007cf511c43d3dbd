"""The database goes away under load: clients get a clean 503, then service resumes, and nothing is
half-written.

The restart test runs its own PostgreSQL cluster (port 5439, a temporary directory) and gunicorn
(port 8143) on it, drives writes from several threads, stops and starts the cluster in the middle,
and then checks every record against its audit entry and the audit chain. It runs in the PostgreSQL
run of the suite (`faults` marker); the shared cluster on 5432 is never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import OperationalError, connection

from core.roles import Role
from tests.factories import UserFactory
from tests.reliability.servers import IN_CI, ROOT, PrivateCluster, stop, wait_for_port

GUNICORN_PORT = 8143


@pytest.mark.django_db
def test_a_database_error_answers_503_with_a_detail(monkeypatch, as_user):
    def unreachable(user):
        raise OperationalError("connection refused")

    monkeypatch.setattr("subjects.api.views.visible_subjects", unreachable)
    response = as_user(UserFactory(role=Role.OFFICER)).get("/api/v1/subjects/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "connection refused" not in response.json()["detail"]


SETUP = """
from core.roles import Role
from tests.consents.factories import make_purpose
from tests.factories import UserFactory, make_token
make_purpose("fault-marketing")
print(make_token(UserFactory(username="fault_officer", role=Role.OFFICER)))
"""

# Every record the load wrote, each with the history that must come with it.
CHECK = """
import json
from collections import Counter
from audit.models import AuditEntry
from consents.models import Consent, ConsentEvent
from subjects.models import DataSubject
entries = AuditEntry.objects.all()
loaded = DataSubject.objects.filter(external_ref__startswith="CIFPG")
subjects = dict(loaded.values_list("pk", "external_ref"))
created = Counter(entries.filter(action="core.subject.created").values_list("subject_id", flat=True))
consents = dict(Consent.objects.filter(purpose__code="fault-marketing").values_list("pk", "subject_id"))
events = Counter(ConsentEvent.objects.filter(kind="granted").values_list("consent_id", flat=True))
granted = Counter(entries.filter(action="consents.consent.granted").values_list("target_id", flat=True))
print(json.dumps({
    "subjects": sorted(subjects.values()),
    "consented": sorted(subjects[s] for s in consents.values()),
    "subjects_without_one_audit_entry": [r for pk, r in subjects.items() if created[pk] != 1],
    "consents_without_one_event": [str(pk) for pk in consents if events[pk] != 1],
    "consents_without_one_audit_entry": [str(pk) for pk in consents if granted[str(pk)] != 1],
}))
"""


def _manage(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _post(path: str, token: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{GUNICORN_PORT}{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - our own local server
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = {"raw": raw[:200].decode(errors="replace")}
        return error.code, payload, dict(error.headers)


def _warm_up(token: str) -> None:
    """Each worker's first request pays for lazy start-up work; keep that out of the timings."""
    for _round in range(3):
        threads = [
            threading.Thread(
                target=_post, args=("/api/v1/consent-check/bulk/", token, {"subject": "-", "purposes": []})
            )
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)


@pytest.fixture
def cluster():
    if connection.vendor != "postgresql" and not IN_CI:
        pytest.skip("runs in the PostgreSQL run of the suite")
    if connection.vendor != "postgresql":
        pytest.skip("runs in CI's PostgreSQL run of the suite")
    server = PrivateCluster(5439)
    server.create()
    yield server
    server.destroy()


@pytest.mark.faults
def test_postgresql_restarted_under_load(cluster, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "REDIS_URL": "",
        "VAR_DIR": str(tmp_path / "var"),
        "CONN_MAX_AGE": "60",
    }
    migrated = _manage(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    setup = _manage(env, "shell", "-c", SETUP)
    assert setup.returncode == 0, setup.stderr[-2000:]
    token = setup.stdout.strip().splitlines()[-1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{GUNICORN_PORT}",
            "-w",
            "3",
            "--timeout",
            "30",
            "--preload",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115 - closed with the process
    )
    log: list[tuple[str, str, int, dict, dict, float]] = []
    try:
        wait_for_port(GUNICORN_PORT, timeout=30)
        _warm_up(token)
        started = time.monotonic()
        end = started + 10

        def load(n: int) -> None:
            i = 0
            while time.monotonic() < end:
                ref = f"CIFPG{n:02d}{i:05d}"
                i += 1
                at = time.monotonic() - started
                code, body, headers = _post(
                    "/api/v1/subjects/", token, {"external_ref": ref, "full_name": "Khôi Phục"}
                )
                log.append(("subject", ref, code, body, headers, at))
                if code == 201:
                    at = time.monotonic() - started
                    grant = {
                        "subject": ref,
                        "purpose": "fault-marketing",
                        "notice_version": "v1",
                        "channel": "api",
                    }
                    code, body, headers = _post("/api/v1/consents/", token, grant)
                    log.append(("consent", ref, code, body, headers, at))

        threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        cluster.stop()
        down_at = time.monotonic() - started
        time.sleep(2)
        cluster.start()
        up_at = time.monotonic() - started
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop(server)

    codes = {code for _, _, code, _, _, _ in log}
    timeline = f"down at {down_at:.1f}s, up at {up_at:.1f}s: " + " ".join(
        f"{at:.1f}:{code}" for _, _, code, _, _, at in sorted(log, key=lambda entry: entry[5])
    )
    assert codes <= {201, 503}, [
        (op, code, body) for op, _, code, body, _, _ in log if code not in (201, 503)
    ][:5]
    outage = [entry for entry in log if entry[2] == 503]
    assert outage, f"the load never met the outage; {timeline}"
    for _op, _ref, _code, body, headers, _at in outage:
        assert body["detail"] and headers.get("Retry-After") == "5"
    # Recovered: everything sent a moment after the cluster was back succeeded.
    assert all(code == 201 for _, _, code, _, _, at in log if at > up_at + 1.0), timeline
    assert any(at > up_at + 1.0 for *_, at in log), f"no load ran after the restart; {timeline}"
    assert any(at < down_at and code == 201 for _, _, code, _, _, at in log), timeline

    # Nothing half-written: every record has its history, every success is there.
    check = _manage(env, "shell", "-c", CHECK)
    assert check.returncode == 0, check.stderr[-2000:]
    state = json.loads(check.stdout.strip().splitlines()[-1])
    assert state["subjects_without_one_audit_entry"] == []
    assert state["consents_without_one_event"] == []
    assert state["consents_without_one_audit_entry"] == []
    assert {ref for op, ref, code, *_ in log if op == "subject" and code == 201} <= set(state["subjects"])
    assert {ref for op, ref, code, *_ in log if op == "consent" and code == 201} <= set(state["consented"])
    verified = _manage(env, "verify_audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr
