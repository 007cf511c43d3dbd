"""The address an audit entry records is the caller's, told the same way as the sign-in lock-out and the
anonymous API budget tell it (TRUSTED_PROXY_COUNT, docs/deployment.md): behind the bank's TLS proxy,
the address the proxy forwarded, never one the client wrote itself; with no trusted proxy, the
connection's."""
from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from core.context import current_request
from core.middleware import RequestContextMiddleware

PROXY, CUSTOMER, FORGED = "10.0.0.1", "203.0.113.7", "192.0.2.1"


def _recorded_ip(**meta) -> str | None:
    seen = {}

    def view(request):
        seen["ip"] = current_request.get().ip
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().get("/me/", **meta))
    return seen["ip"]


def test_behind_one_trusted_proxy_the_audit_records_the_address_it_forwarded(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    assert _recorded_ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CUSTOMER) == CUSTOMER
    assert _recorded_ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CUSTOMER}") == CUSTOMER


def test_without_a_trusted_proxy_the_audit_records_the_connection_and_ignores_forwarded_addresses(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}

    assert _recorded_ip(REMOTE_ADDR=CUSTOMER, HTTP_X_FORWARDED_FOR=FORGED) == CUSTOMER


def test_a_forwarded_value_that_is_no_address_records_the_connection(settings):
    """A count set higher than the proxies there are reaches what the client wrote: never stored."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}

    assert _recorded_ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="unknown") == PROXY
