"""The audit page verifies the chain when the auditor asks, once: paging through the trail afterwards
neither carries the request along nor verifies again, and the result says what was verified, when and
up to which entry (from the last checkpoint when asked so, and then says so). The whole chain is
verified by a worker (run at once in the tests, tests/conftest.py), its report shown once recorded
(tests/audit/test_views_trail_full_check_background.py)."""
from __future__ import annotations

import html
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from audit import tasks, views
from audit.models import AuditEntry
from audit.selectors import CHAIN_OUTCOMES, audit_chain_last_full_check
from audit.services import audit_checkpoint_write, audit_record
from core.actors import Actor
from core.roles import Role
from integrations.models import OutboxMessage
from tests.audit.tampering import reseal_with_the_key
from tests.factories import UserFactory
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _write(n: int) -> list[AuditEntry]:
    with transaction.atomic():
        return [audit_record(action="core.token.issued", actor=SYSTEM, data={"i": i}) for i in range(n)]


def _pager_links(page: str) -> list[str]:
    pager = page[page.index('class="pager"'):]
    pager = pager[:pager.index("</nav>")]
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', pager)]


def _verify(client, value, *, follow: bool = False, **query):
    """What the page's verify buttons send: a POST of `verify` to the page the auditor is reading."""
    address = reverse("audit:trail") + (f"?{urlencode(query)}" if query else "")
    return client.post(address, {"verify": value}, follow=follow)


def _verification(page: str) -> str:
    found = page[page.index('data-testid="verification"'):]
    return found[:found.index("</div>")]


def chain_checks_counted(monkeypatch, *modules) -> list[dict]:
    """The chain checks run through `modules` (the page's request, the worker), each call's arguments
    kept and the check then run."""
    calls = []
    verify = views.audit_chain_check

    def counted(**kwargs):
        calls.append(kwargs)
        return verify(**kwargs)

    for module in modules:
        monkeypatch.setattr(module, "audit_chain_check", counted)
    return calls


@pytest.fixture
def verifications(monkeypatch):
    """How many times the chain was verified, in the request or by the worker."""
    return chain_checks_counted(monkeypatch, views, tasks)


def test_paging_a_verified_trail_neither_carries_the_request_nor_verifies_again(
    logged_in, auditor, verifications
):
    _write(60)  # two pages of 50
    client = logged_in(auditor)
    first = _verify(client, "full", action="core.token.issued", follow=True).content.decode()
    assert len(verifications) == 1
    (next_page,) = _pager_links(first)
    assert "verify" not in next_page
    assert "action=core.token.issued" in next_page and "page=2" in next_page

    second = client.get(reverse("audit:trail") + next_page).content.decode()
    assert len(verifications) == 1
    # The result the auditor asked for is still shown, with when and up to which entry it was taken: the
    # 60 written and the entry recording that the auditor asked for it.
    assert "#61" in _verification(second)
    newest_page, previous_page = _pager_links(second)
    assert "verify" not in newest_page and "verify" not in previous_page


def test_the_result_says_what_was_verified_and_up_to_which_entry(logged_in, auditor):
    entries = _write(3)
    client = logged_in(auditor)
    page = _verify(client, "full", follow=True).content.decode()
    # The last entry before the outcome: the auditor's request for the check, which it read too.
    head = AuditEntry.objects.get(action="audit.chain.full_check_asked").sequence
    found = _verification(page)
    assert head >= entries[-1].sequence
    assert in_either_language(
        "Entries #%(first)s to #%(last)s were checked: the whole chain from its first entry.",
        found, first=1, last=head,
    )
    assert 'data-testid="verified-at"' in found


def test_verifying_from_the_last_checkpoint_says_so_and_the_full_verification_still_reads_everything(
    logged_in, auditor
):
    entries = _write(6)
    audit_checkpoint_write()  # its head is #6
    _write(3)
    client = logged_in(auditor)
    head = AuditEntry.objects.order_by("-sequence").first().sequence  # the last entry before the check
    page = _verify(client, "checkpoint", follow=True).content.decode()
    found = _verification(page)
    assert in_either_language(
        "Entries #%(first)s to #%(last)s were checked, from the head of the last checkpoint on.",
        found, first=entries[-1].sequence, last=head,
    )
    assert 'data-testid="from-checkpoint"' in found

    # An old entry re-sealed by someone holding the key lies before the checkpoint: the page's check
    # from the checkpoint cannot see it, the full verification does.
    reseal_with_the_key(entries[1])
    since = _verify(client, "checkpoint", follow=True).content.decode()
    assert 'data-testid="chain-intact"' in _verification(since)
    full = _verify(client, "full", follow=True).content.decode()
    assert 'data-testid="chain-broken"' in _verification(full)
    assert str(entries[2].pk) in _verification(full)


def test_verifying_redirects_to_the_page_without_verify_so_a_reload_does_not_verify_again(
    logged_in, auditor, verifications
):
    """A verification is asked once: the page stores the result and sends the auditor on to the same filtered
    page without it, so reloading it or coming Back does not walk the whole chain again."""
    _write(3)
    client = logged_in(auditor)
    response = _verify(client, "full", action="core.token.issued")
    assert response.status_code in (302, 303)
    location = response["Location"]
    assert "verify" not in location
    assert location.startswith(reverse("audit:trail")) and "action=core.token.issued" in location
    assert len(verifications) == 1

    shown = client.get(location)
    assert shown.status_code == 200
    assert 'data-testid="chain-intact"' in _verification(shown.content.decode())
    client.get(location)  # a reload
    assert len(verifications) == 1


def _button(page: str, testid: str) -> tuple[str, str]:
    """Where a verify button of the page posts, and the value it sends."""
    (action,) = re.findall(r'<form method="post" action="([^"]*)"[^>]*>[^<]*<input type="hidden" '
                           r'name="csrfmiddlewaretoken"[^>]*>[^<]*<button[^>]*data-testid="verify', page)
    (value,) = re.findall(rf'name="verify" value="([^"]+)" data-testid="{testid}"', page)
    return html.unescape(action), value


@pytest.mark.parametrize("button", ["verify-chain", "verify-from-checkpoint"])
def test_verifying_from_a_later_page_of_a_filtered_trail_comes_back_to_that_page(logged_in, auditor, button):
    """The auditor reading page 2 of a filtered trail verifies the chain and is back on page 2 of the same
    filter, with the result above it, not sent to page 1."""
    _write(60)  # two pages of 50
    client = logged_in(auditor)
    first = client.get(reverse("audit:trail"), {"action": "core.token.issued"}).content.decode()
    (older,) = _pager_links(first)
    second = client.get(reverse("audit:trail") + older).content.decode()
    action, value = _button(second, button)
    response = client.post(reverse("audit:trail") + action, {"verify": value})
    assert response.status_code in (302, 303)
    location = response["Location"]
    kept = QueryDict(urlsplit(location).query)
    assert "verify" not in kept
    assert kept.get("page") == "2" and kept.get("action") == "core.token.issued"
    assert kept.get("before") == QueryDict(older.lstrip("?")).get("before")

    shown = client.get(location).content.decode()
    assert 'data-testid="chain-intact"' in _verification(shown)
    assert in_either_language("Page %(number)s", shown, number=2)


def _outcomes() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__in=CHAIN_OUTCOMES).order_by("sequence"))


def test_verifying_the_whole_chain_on_the_page_records_what_the_proof_bundle_quotes(logged_in, auditor):
    """Recorded as the weekly job records it: a document can then cite this check as the last
    verification of the whole chain, with who asked for it."""
    _write(3)
    assert audit_chain_last_full_check() is None
    _verify(logged_in(auditor), "full")
    (recorded,) = _outcomes()
    assert audit_chain_last_full_check() == recorded
    assert recorded.action == "audit.chain.verified"
    assert recorded.actor_user_id == auditor.pk and recorded.actor_label == auditor.username
    assert recorded.data["scope"] == "full" and recorded.data["from_sequence"] == 1
    assert recorded.data["head_sequence"] == recorded.sequence - 1  # everything written before it


def test_verifying_since_the_checkpoint_on_the_page_records_it_as_such(logged_in, auditor):
    entries = _write(4)
    audit_checkpoint_write()
    _write(2)
    _verify(logged_in(auditor), "checkpoint")
    (recorded,) = _outcomes()
    assert recorded.actor_user_id == auditor.pk
    assert recorded.data["scope"] == "since_checkpoint"
    assert recorded.data["from_sequence"] == entries[-1].sequence
    # Not the whole chain: no document may cite it as such.
    assert audit_chain_last_full_check() is None


def test_a_broken_chain_found_on_the_page_is_recorded_and_the_dpo_told(logged_in, auditor):
    UserFactory(username="chi", role=Role.DPO, email="chi@bank.test")
    entries = _write(4)
    reseal_with_the_key(entries[1])
    _verify(logged_in(auditor), "full")
    broken = audit_chain_last_full_check()
    assert broken is not None and broken.action == "audit.chain.broken"
    assert broken.data["first_invalid"] == entries[2].pk and broken.actor_user_id == auditor.pk
    (alert,) = OutboxMessage.objects.filter(topic="audit.chain.broken")
    assert alert.destination == "chi@bank.test"


def test_a_link_cannot_make_the_auditor_verify_the_chain(logged_in, auditor, verifications):
    """A verification writes an audit entry and may e-mail the DPO: it is a POST from the page's own
    buttons, so a crafted link (`?verify=1` in an e-mail, an image's src) changes nothing."""
    _write(3)
    response = logged_in(auditor).get(reverse("audit:trail"), {"action": "core.token.issued", "verify": 1})
    assert response.status_code == 200
    assert verifications == [] and _outcomes() == []
    assert 'data-testid="verification"' not in response.content.decode()


def test_verifying_needs_the_pages_csrf_token(auditor, verifications):
    _write(3)
    client = Client(enforce_csrf_checks=True)
    client.force_login(auditor)
    assert client.post(reverse("audit:trail"), {"verify": 1}).status_code == 403
    assert verifications == []
