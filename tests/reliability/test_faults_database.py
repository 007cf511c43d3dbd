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
from tests.reliability.figures import FaultFigures, report
from tests.reliability.servers import ROOT, PrivateCluster, stop, wait_for_port
from tests.runs import IN_CI

# Overridable for a machine where another run holds the default ports.
GUNICORN_PORT = int(os.environ.get("QDL_FAULT_GUNICORN_PORT", "8143"))
CLUSTER_PORT = int(os.environ.get("QDL_FAULT_PG_PORT", "5439"))


@pytest.mark.django_db
def test_a_database_error_answers_503_with_a_detail(monkeypatch, as_user):
    def unreachable(user, **narrowed_to):
        raise OperationalError("connection refused")

    monkeypatch.setattr("subjects.api.views.visible_subjects", unreachable)
    response = as_user(UserFactory(role=Role.OFFICER)).get("/api/v1/subjects/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "connection refused" not in response.json()["detail"]


# The load is core banking's own calls: an integration client records the customer's acts through the
# API channel (staff may record only what a person at the bank witnessed).
SETUP = """
from core.roles import Role
from tests.consents.factories import make_purpose
from tests.factories import UserFactory, make_token
make_purpose("fault-marketing")
print(make_token(UserFactory(username="fault_core_banking", role=Role.CLIENT)))
"""

# Every record the load wrote, each with the history that must come with it.
CHECK = """
import json
from collections import Counter
from audit.models import AuditEntry
from consents.models import Consent, ConsentEvent
from dsr.models import DataSubjectRequest
from subjects.models import DataSubject
entries = AuditEntry.objects.all()
loaded = DataSubject.objects.filter(external_ref__startswith="CIFPG")
subjects = dict(loaded.values_list("pk", "external_ref"))
created = Counter(entries.filter(action="core.subject.created").values_list("subject_id", flat=True))
consents = dict(Consent.objects.filter(purpose__code="fault-marketing").values_list("pk", "subject_id"))
events = Counter(ConsentEvent.objects.filter(kind="granted").values_list("consent_id", flat=True))
granted = Counter(entries.filter(action="consents.consent.granted").values_list("target_id", flat=True))
withdrawn = Counter(entries.filter(action="consents.consent.withdrawn").values_list("target_id", flat=True))
asked = DataSubjectRequest.objects.filter(subject_id__in=subjects)
requests = Counter(asked.values_list("subject_id", flat=True))
print(json.dumps({
    "subjects": sorted(subjects.values()),
    "withdrawn": sorted(subjects[s] for pk, s in consents.items() if withdrawn[str(pk)]),
    "consents_withdrawn_twice": [str(pk) for pk in consents if withdrawn[str(pk)] > 1],
    "requested": sorted(subjects[s] for s in requests),
    "subjects_with_two_requests": [subjects[s] for s, n in requests.items() if n > 1],
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


def _post(path: str, token: str, body: dict, key: str = "") -> tuple[int, dict, dict]:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    url = f"http://127.0.0.1:{GUNICORN_PORT}{path}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
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


RETRY_FOR_SECONDS = 30


def _worth_retrying(code: int, payload: dict) -> bool:
    """An outage (503, or no answer at all), or the same key still being worked on (409 in flight)."""
    return code in (503, 599) or (code == 409 and payload.get("code") == "idempotency_in_flight")


def _post_until_done(path: str, token: str, body: dict, key: str) -> list[tuple[int, dict, dict, float]]:
    """What the API documentation tells a client to do: on a 503 (or a dropped connection) wait for
    `Retry-After` and send the same request with the same `Idempotency-Key` again."""
    answers = []
    give_up = time.monotonic() + RETRY_FOR_SECONDS
    while True:
        try:
            code, payload, headers = _post(path, token, body, key)
        except OSError as error:  # the connection dropped before an answer: unknown, so retry
            code, payload, headers = 599, {"detail": type(error).__name__}, {"Retry-After": "1"}
        answers.append((code, payload, headers, time.monotonic()))
        if not _worth_retrying(code, payload) or time.monotonic() > give_up:
            return answers
        time.sleep(min(float(headers.get("Retry-After", 1)), 1.0))


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
    server = PrivateCluster(CLUSTER_PORT)
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
    # (operation, CIF, the answers to each try with one key, relative time of the first try)
    log: list[tuple[str, str, list[tuple[int, dict, dict, float]], float]] = []
    try:
        wait_for_port(GUNICORN_PORT, timeout=30)
        _warm_up(token)
        started = time.monotonic()
        end = started + 10

        def write(op: str, ref: str, path: str, body: dict) -> tuple[int, dict]:
            at = time.monotonic() - started
            answers = _post_until_done(path, token, body, key=f"{op}:{ref}")
            log.append((op, ref, answers, at))
            return answers[-1][0], answers[-1][1]

        def load(n: int) -> None:
            i = 0
            while time.monotonic() < end:
                ref = f"CIFPG{n:02d}{i:05d}"
                i += 1
                customer = {"external_ref": ref, "full_name": "Khôi Phục", "date_of_birth": "1990-01-01"}
                code, _ = write("customer creation", ref, "/api/v1/subjects/", customer)
                if code != 201:
                    continue
                grant = {"subject": ref, "purpose": "fault-marketing", "notice_version": "v1"}
                grant["channel"] = "api"
                code, consent = write("grant", ref, "/api/v1/consents/", grant)
                if code == 201:
                    withdraw = f"/api/v1/consents/{consent['id']}/withdraw/"
                    write("withdrawal", ref, withdraw, {"channel": "api"})
                write("request creation", ref, "/api/v1/requests/",
                      {"subject": ref, "type": "access", "channel": "api"})

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
            thread.join(timeout=90)
    finally:
        stop(server)

    tries = [
        (op, ref, code, body, headers) for op, ref, answers, _ in log for code, body, headers, _t in answers
    ]
    met_outage = {(op, ref) for op, ref, answers, _ in log if len(answers) > 1}
    final = {(op, ref): answers[-1][0] for op, ref, answers, _ in log}
    recovered = sum(final[write] in (200, 201) for write in met_outage)
    timeline = f"down at {down_at:.1f}s, up at {up_at:.1f}s: " + " ".join(
        f"{at:.1f}:{op[:4]}:{'/'.join(str(a[0]) for a in answers)}"
        for op, _, answers, at in sorted(log, key=lambda entry: entry[3])
    )

    check = _manage(env, "shell", "-c", CHECK)
    assert check.returncode == 0, check.stderr[-2000:]
    state = json.loads(check.stdout.strip().splitlines()[-1])
    verified = _manage(env, "verify_audit")
    report(FaultFigures(
        "PostgreSQL stopped for 2 s under 4 writers (retries with the same Idempotency-Key)",
        operations=len(log), successes=sum(code in (200, 201) for code in final.values()),
        server_errors=sum(code >= 500 for _, _, code, *_ in tries),
        audit_verify=verified.stdout.strip() if verified.returncode == 0 else "BROKEN",
        note=f"{len(tries)} HTTP calls; {len(met_outage)} writes met the outage, {recovered} of them "
             f"completed on a retry with their key; {sum(t[2] == 409 for t in tries)} answers were 409",
    ))

    unexpected = [(op, code, body) for op, _, code, body, _ in tries if not _worth_retrying(code, body)
                  and code not in (200, 201)]
    assert unexpected == [], unexpected[:5]
    outage = [entry for entry in tries if entry[2] == 503]
    assert outage, f"the load never met the outage; {timeline}"
    for _op, _ref, _code, body, headers in outage:
        assert body["detail"] and headers.get("Retry-After") == "5"
    # Every write, retried with its key after the outage, completed: no key is stuck.
    assert set(final.values()) <= {200, 201}, timeline
    assert met_outage, timeline
    assert any(at > up_at + 1.0 for *_, at in log), f"no load ran after the restart; {timeline}"

    # Nothing half-written, nothing written twice: every record has its history, every success is there.
    assert state["subjects_without_one_audit_entry"] == []
    assert state["consents_without_one_event"] == []
    assert state["consents_without_one_audit_entry"] == []
    assert state["consents_withdrawn_twice"] == []
    assert state["subjects_with_two_requests"] == []
    done = {op: {ref for (o, ref), code in final.items() if o == op and code in (200, 201)} for op, *_ in log}
    assert done["customer creation"] == set(state["subjects"])
    assert done.get("grant", set()) == set(state["consented"])
    assert done.get("withdrawal", set()) == set(state["withdrawn"])
    assert done.get("request creation", set()) == set(state["requested"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
