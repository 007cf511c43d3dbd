"""gunicorn's access log (WEB_ACCESS_LOG) writes no query string and no referring page: the consent
check is asked `?subject=<customer number>`, portal searches carry what staff typed, and an access log
is kept by the servers' own rotation, out of reach of a customer's deletion. The line keeps the path,
the status, the time taken and the request's reference, which finds the application's log lines."""
from __future__ import annotations

import runpy
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

CUSTOMER_NUMBER = "CIF0012345"


def _access_line() -> str:
    ours = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.conf.py"))
    config = Config()
    if "access_log_format" in ours:
        config.set("access_log_format", ours["access_log_format"])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/consent-check/?subject={CUSTOMER_NUMBER}&purpose=marketing",
        "PATH_INFO": "/api/v1/consent-check/",
        "QUERY_STRING": f"subject={CUSTOMER_NUMBER}&purpose=marketing",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.1.2.3",
        "HTTP_REFERER": f"https://bank.example/portal/customers/?q={CUSTOMER_NUMBER}",
    }
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "ref-abc123")], sent=42)
    atoms = Logger(config).atoms(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=7))
    return config.access_log_format % SafeAtoms(atoms)


def test_the_access_log_line_holds_no_query_string_nor_referring_page():
    line = _access_line()
    assert CUSTOMER_NUMBER not in line
    assert '"GET /api/v1/consent-check/ HTTP/1.1" 200' in line
    assert "ref-abc123" in line
