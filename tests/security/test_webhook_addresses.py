"""Webhooks go only to receivers on the internet (server-side request forgery): an address leading to this
machine, the cloud's metadata service or a private network is refused when it is saved, by the DPO or
at a third party's registration, and again at each delivery, on what the name resolves to then; and a
receiver's redirect is never followed.

The suite's own receivers listen on 127.0.0.1, so the test run allows private addresses
(`WEBHOOK_ALLOW_PRIVATE_ADDRESSES`, pyproject.toml); these tests switch it off, as in production."""
from __future__ import annotations

import ipaddress
import logging
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from core.actors import Actor
from core.errors import InvalidInput
from core.roles import Role
from integrations import delivery, outbox, webhooks
from integrations.addresses import address_is_public
from integrations.models import OutboxMessage, WebhookEndpoint
from tests.authorisations.factories import register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")

INTERNAL = [
    "https://169.254.169.254/latest/meta-data/",
    "https://127.0.0.1:6379/",
    "https://localhost:5432/",
    "https://10.0.0.5/admin",
    "https://192.168.1.10/",
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[fe80::1]/",
    "https://[fd00::5]/",
    "https://100.64.0.1/",
    "https://0.0.0.0/",
    "https://224.0.0.1/",
    "https://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "https://[2002:7f00:1::1]/",  # 6to4 of 127.0.0.1
]


@pytest.fixture
def production(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    settings.DEMO = False
    return settings


@pytest.fixture
def dns(monkeypatch):
    """Names the test decides the answer of (`dns["name"] = "1.2.3.4"`); every other name as usual."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return real(answers.get(host, host), *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _create(url):
    client = UserFactory(role=Role.CLIENT)
    return webhooks.webhook_endpoint_create(actor=SYSTEM, client=client, name="x", url=url)


@pytest.mark.parametrize("url", INTERNAL)
def test_an_endpoint_leading_inside_is_refused(production, url):
    with pytest.raises(InvalidInput) as refused:
        _create(url)
    assert refused.value.field == "url"
    assert WebhookEndpoint.objects.count() == 0


def test_a_name_resolving_inside_is_refused_and_one_on_the_internet_accepted(production, dns):
    dns["hooks.partner.example"] = "10.1.2.3"
    with pytest.raises(InvalidInput):
        _create("https://hooks.partner.example/qdl")
    dns["hooks.partner.example"] = "93.184.215.14"
    endpoint, _secret = _create("https://hooks.partner.example/qdl")
    assert endpoint.url == "https://hooks.partner.example/qdl"
    # A name that does not resolve yet is taken: each delivery checks it again.
    assert _create("https://not-yet.invalid/hook")[0].pk


def test_changing_an_endpoint_to_an_address_inside_is_refused(production):
    endpoint, _secret = _create("https://93.184.215.14/hook")
    with pytest.raises(InvalidInput):
        webhooks.webhook_endpoint_update(
            actor=SYSTEM, endpoint=endpoint, change=webhooks.EndpointChange(url="https://169.254.169.254/")
        )
    endpoint.refresh_from_db()
    assert endpoint.url == "https://93.184.215.14/hook"


def test_the_dpo_is_told_why_in_their_language(production, as_user):
    dpo = UserFactory(role=Role.DPO)
    client = UserFactory(role=Role.CLIENT)
    body = {"name": "Nội bộ", "url": "https://169.254.169.254/latest/", "client": client.username}
    refused = as_user(dpo).post("/api/v1/webhook-endpoints/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert refused.json() == {"url": [
        "Webhooks go only to receivers on the internet: “169.254.169.254” leads to this machine or to a "
        "private network."
    ]}
    vietnamese = as_user(dpo).post("/api/v1/webhook-endpoints/", body, format="json")
    assert vietnamese.status_code == 400 and "169.254.169.254" in vietnamese.json()["url"][0]
    assert vietnamese.json() != refused.json()


def test_a_third_partys_webhook_goes_through_the_same_check(production, as_user):
    with pytest.raises(InvalidInput) as refused:
        register(webhook_url="https://127.0.0.1:6379/")
    assert refused.value.field == "webhook_url"
    with pytest.raises(InvalidInput):
        register(webhook_url="http://hooks.ketoan.example.vn/")  # plain http, outside the demo
    dpo = UserFactory(role=Role.DPO)
    body = {
        "legal_name": "Ví Nội Bộ", "tax_code": "0312888888", "licence_ref": "GP-8", "contact_email": "a@b.vn",
        "purpose": "p", "redirect_uris": ["https://vi.example.vn/cb"], "scopes": ["balances:read"],
        "webhook_url": "https://[::ffff:169.254.169.254]/",
    }
    answer = as_user(dpo).post("/api/v1/third-parties/", body, format="json")
    assert answer.status_code == 400 and "webhook_url" in answer.json()
    assert register(webhook_url="https://93.184.215.14/hooks").third_party.webhook.url == (
        "https://93.184.215.14/hooks"
    )


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
    ("127.0.0.1", False), ("169.254.169.254", False), ("172.16.0.1", False), ("100.64.0.1", False),
    ("240.0.0.1", False), ("255.255.255.255", False), ("224.0.1.1", False), ("0.0.0.0", False),
    ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False), ("ff0e::1", False),
    ("::ffff:10.0.0.1", False), ("::ffff:93.184.215.14", True), ("64:ff9b::7f00:1", False),
    ("2002:a9fe:a9fe::1", False), ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo to 127.0.0.1
])
def test_what_counts_as_an_address_on_the_internet(address, public):
    assert address_is_public(ipaddress.ip_address(address)) is public


class _Counting(BaseHTTPRequestHandler):
    def _answer(self):
        self.server.hits.append((self.command, self.path))
        self.send_response(self.server.status)
        if self.server.location:
            self.send_header("Location", self.server.location)
        self.end_headers()

    do_GET = do_POST = _answer  # noqa: N815 - http.server's naming

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """`local_server(status, location=None)` → a server on 127.0.0.1 counting the requests it gets."""
    servers = []

    def start(status=204, location=None):
        server = HTTPServer(("127.0.0.1", 0), _Counting)
        server.hits, server.status, server.location = [], status, location
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _queued_to(url):
    """A notice queued for an endpoint saved earlier (its name then led elsewhere, or the rules were
    looser): the row as it stands, not passed through today's check."""
    endpoint = WebhookEndpoint.objects.create(client=UserFactory(role=Role.CLIENT), name="x", url=url,
                                              secret="s")
    with transaction.atomic():
        return outbox.outbox_enqueue_webhook(endpoint=endpoint, topic="consent.withdrawn",
                                             payload={"duty": "d1"}, dedupe_key=url)


def test_each_delivery_resolves_again_and_refuses_an_address_inside(settings, dns, local_server, caplog):
    """DNS rebinding: the name led to the internet when it was saved, and leads to 127.0.0.1 now."""
    internal = local_server()
    dns["rebind.example"] = "127.0.0.1"
    message = _queued_to(f"http://rebind.example:{internal.server_port}/hook")

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with caplog.at_level(logging.WARNING, logger="integrations.delivery"):
        refused = delivery.outbox_deliver(message.pk)
    assert internal.hits == []
    assert (refused.status, refused.last_error) == (
        OutboxMessage.Status.PENDING, "refused: the address is not on the internet"
    )
    assert "private network" in caplog.text and "rebind.example" not in caplog.text

    # The same notice goes through where private receivers are allowed (the demo, this suite).
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    delivered = delivery.outbox_deliver(message.pk, now=refused.next_attempt_at)
    assert delivered.status == OutboxMessage.Status.SENT and internal.hits == [("POST", "/hook")]


def test_a_receivers_redirect_is_not_followed(local_server, caplog):
    internal = local_server()
    redirecting = local_server(302, location=f"http://127.0.0.1:{internal.server_port}/internal-only")
    assert delivery._send(f"http://127.0.0.1:{redirecting.server_port}/hook", b"{}", {}) == 302
    assert internal.hits == [] and redirecting.hits == [("POST", "/hook")]

    message = _queued_to(f"http://127.0.0.1:{redirecting.server_port}/other")
    with caplog.at_level(logging.WARNING, logger="integrations.delivery"):
        failed = delivery.outbox_deliver(message.pk)
    assert failed.status == OutboxMessage.Status.PENDING and failed.sent_at is None
    assert failed.last_error == "HTTP 302: redirect not followed"
    assert "redirect not followed" in caplog.text
    assert internal.hits == []


def test_private_addresses_are_refused_unless_the_environment_allows_them():
    """The production default, read by a fresh process without the test run's setting."""
    environment = {k: v for k, v in os.environ.items() if k != "WEBHOOK_ALLOW_PRIVATE_ADDRESSES"}
    probe = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
                               "print(s.WEBHOOK_ALLOW_PRIVATE_ADDRESSES)"],
        cwd=django_settings.BASE_DIR, env={**environment, "DJANGO_READ_DOT_ENV_FILE": "false"},
        capture_output=True, text=True, timeout=120, check=True,
    )
    assert probe.stdout.strip().splitlines()[-1] == "False"


def test_a_bank_that_sends_through_its_egress_proxy_names_it(production, local_server):
    """Banks' networks reach the internet only through their proxy, which keeps its own allow-list:
    with `WEBHOOK_PROXY_URL` set, every notice goes to that proxy (it connects, not the platform);
    without it nothing goes through a proxy, whatever the environment says (`HTTPS_PROXY`)."""
    proxy = local_server()
    production.WEBHOOK_PROXY_URL = f"http://127.0.0.1:{proxy.server_port}"
    message = _queued_to("http://receiver.example/hook")

    delivered = delivery.outbox_deliver(message.pk)

    assert delivered.status == OutboxMessage.Status.SENT, delivered.last_error
    assert proxy.hits == [("POST", "http://receiver.example/hook")]
