"""The authorisation-expiry sweep is set-based (#16): one transaction and a fixed number of statements
per batch, with exactly the result one `authorisation_transition()` per row gave (status, end, events
and receipts, audit entries and the chain, tokens, notices)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_record, audit_record_many
from authorisations import services
from authorisations.models import Authorisation, AuthorisationEvent
from authorisations.services.clocks import SYSTEM
from authorisations.services.moves import authorisation_transition, locked_authorisations
from authorisations.states import AUTHORISATION_MACHINE
from core.actors import Actor, actor_for_user
from integrations.models import OutboxMessage
from tests.authorisations.factories import authorise, register
from tests.factories import make_customer


def _tokens(user, application, *, now):
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=secrets.token_hex(16),
        expires=now + timedelta(hours=1),
        scope="accounts:read",
    )
    RefreshToken.objects.create(
        user=user, application=application, token=secrets.token_hex(16), access_token=access
    )
    Grant.objects.create(
        user=user,
        application=application,
        code=secrets.token_hex(16),
        expires=now + timedelta(minutes=5),
        redirect_uri="https://ketoan.example.vn/oauth/callback",
        scope="accounts:read",
    )


def _scenario(n_customers: int = 3):
    """Live authorisations of several customers with two third parties (one with a webhook), one of
    them paused, each with tokens and a pending code; plus one not yet due and one already revoked."""
    base = timezone.now() - timedelta(days=200)
    hooked = register(webhook_url="https://ketoan.example.vn/hooks")
    plain = register()
    minute = 0
    due = []
    for i in range(n_customers):
        user = make_customer(username=f"sweep{i}")
        for registration in (hooked, plain):
            minute += 1
            authorisation = authorise(user, registration=registration, now=base + timedelta(minutes=minute))
            _tokens(user, registration.third_party.application, now=timezone.now())
            due.append(authorisation)
    services.authorisation_pause(
        actor=actor_for_user(due[1].user),
        authorisation_id=due[1].pk,
        subject=due[1].subject,
        now=base + timedelta(days=1),
    )
    late = make_customer(username="sweep_late")
    authorise(late, registration=plain, days=365, now=timezone.now())
    gone = make_customer(username="sweep_gone")
    revoked = authorise(gone, registration=plain, now=base)
    services.authorisation_revoke(
        actor=actor_for_user(gone),
        authorisation_id=revoked.pk,
        channel="internet_banking",
        subject=gone.customer_account.subject,
        now=base + timedelta(days=2),
    )
    return due


def _outcome(since_sequence: int) -> dict:
    """Everything the sweep writes, with the random ids of new events replaced by their authorisation."""
    events = AuthorisationEvent.objects.filter(kind="expired")
    by_event = {str(e.pk): f"event-of-{e.authorisation_id}" for e in events}

    def plain(text: str) -> str:
        for event_id, name in by_event.items():
            text = text.replace(event_id, name)
        return text

    return {
        "authorisations": sorted(
            Authorisation.objects.values_list("pk", "status", "ended_at", "pause_reason", "pause_source")
        ),
        "events": sorted(
            (
                e.authorisation_id,
                e.kind,
                e.old_status,
                e.new_status,
                e.at,
                e.actor_kind,
                e.actor_label,
                e.channel,
                e.reason,
                e.evidence,
                plain(e.receipt),
            )
            for e in events
        ),
        "audit": list(
            AuditEntry.objects.filter(sequence__gt=since_sequence)
            .order_by("sequence")
            .values_list(
                "sequence",
                "action",
                "actor_kind",
                "actor_label",
                "target_type",
                "target_id",
                "subject_id",
                "data",
                "recorded_at",
                "prev_hash",
                "entry_hash",
            )
        ),
        "refresh_tokens": sorted(
            (r.user_id, r.application_id, r.revoked is not None, r.access_token_id)
            for r in RefreshToken.objects.all()
        ),
        "access_tokens": sorted(AccessToken.objects.values_list("user_id", "application_id")),
        "grants": sorted(Grant.objects.values_list("user_id", "application_id")),
        "outbox": sorted(
            (
                m.kind,
                m.topic,
                m.destination,
                plain(m.payload),
                plain(m.dedupe_key),
                m.subject_id,
                m.next_attempt_at,
            )
            for m in OutboxMessage.objects.filter(
                dedupe_key__in=[
                    *(f"authorisations.receipt:{e}" for e in by_event),
                    *(f"authorisations.webhook:{e}" for e in by_event),
                ]
            )
        ),
    }


class _Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=False)
def test_the_batch_sweep_ends_each_authorisation_exactly_as_one_move_did():
    due = _scenario()
    now = timezone.now()
    head = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    # The old sweep: one locked move per due authorisation, in due order; measured, then undone.
    try:
        with transaction.atomic():
            due_now = locked_authorisations(status__in=AUTHORISATION_MACHINE.live, expires_at__lte=now)
            for authorisation in sorted(due_now, key=lambda authorisation: authorisation.expires_at):
                authorisation_transition(authorisation, to="expired", actor=SYSTEM, now=now)
            per_row = _outcome(head)
            raise _Rollback
    except _Rollback:
        pass
    assert not AuthorisationEvent.objects.filter(kind="expired").exists()

    assert services.authorisations_expire_due(now=now) == len(due)
    batch = _outcome(head)

    assert len(per_row["events"]) == len(due) and len(per_row["audit"]) == len(due)
    assert {status for _, status, *_ in per_row["authorisations"]} == {"expired", "active", "revoked"}
    assert any(m[0] == "webhook" for m in per_row["outbox"]) and any(
        m[0] == "email" for m in per_row["outbox"]
    )
    assert all(revoked for *_, revoked, _ in per_row["refresh_tokens"])
    for part in per_row:
        assert batch[part] == per_row[part], part
    assert audit_chain_verify().valid
    assert services.authorisations_expire_due(now=now) == 0


def test_a_batch_takes_the_same_statements_whatever_its_size(db):
    """O(batch), not O(rows): ten due authorisations take as many queries as two."""
    _scenario(n_customers=5)
    now = timezone.now()
    with CaptureQueriesContext(connection) as few:
        assert services.authorisations_expire_due(now=now, limit=2) == 2
    with CaptureQueriesContext(connection) as many:
        assert services.authorisations_expire_due(now=now, limit=8) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_audit_record_many_appends_a_chain_that_verifies(db):
    actor = Actor.system("tests")
    before = AuditEntry.objects.count()
    entries = audit_record_many(
        [{"action": "audit.chain.verified", "actor": actor, "data": {"entries": i}} for i in range(5)]
    )
    assert [e.sequence for e in entries] == list(range(before + 1, before + 6))
    assert [e.data["entries"] for e in AuditEntry.objects.order_by("sequence")[before:]] == list(range(5))
    assert entries[1].prev_hash == entries[0].entry_hash
    follow = audit_record(action="audit.chain.verified", actor=actor, data={"entries": 9})
    assert follow.prev_hash == entries[-1].entry_hash
    assert audit_chain_verify().valid
    assert audit_record_many([]) == []
