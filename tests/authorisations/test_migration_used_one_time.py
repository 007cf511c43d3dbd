"""Migration 0006: a one-time authorisation whose single read was reported before the USED status
existed (migration 0004) was left ACTIVE or PAUSED; only the introspection's count of reads stopped
it, while the token exchange and refresh (which refuse anything but ACTIVE) still let it refresh. The
migration moves each to USED as `access_record` now does: status, end time, event and receipt,
tokens ended. It runs on the models as they stood at 0005 (the historical registry, as `migrate` gives
it) and on today's."""

from __future__ import annotations

import importlib
import json

from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model

from authorisations import selectors, services
from authorisations.models import AccessRecord, Authorisation
from authorisations.receipts import authorisation_receipt
from core.actors import actor_for_user
from tests.authorisations.factories import (
    approve,
    authorise,
    credentials,
    exchange,
    pkce_pair,
    refresh,
    register,
)
from tests.factories import make_customer
from tests.migrations import imports_of_others, registries_after

RefreshToken = get_refresh_token_model()
migration = importlib.import_module("authorisations.migrations.0006_one_time_read_means_used")


# The models as they stood before it (what `migrate` passes), or today's.
migration_apps = registries_after(
    [("authorisations", "0005_pause_reason_restriction"), *migration.Migration.dependencies[1:]]
)


def test_the_migration_imports_nothing_of_the_project():
    """A migration runs for ever against the schema of its time: project code it imports (the receipt
    builder, the services) changes later and would break or change it. Django and the standard library
    only, with the historical models `apps.get_model` gives."""
    assert imports_of_others(migration) == []


def _read_before_used_existed(authorisation: Authorisation) -> None:
    """A read the gateway reported while `access_record` still left the authorisation as it was."""
    AccessRecord.objects.create(
        authorisation=authorisation, scope="accounts:read", accessed_at=timezone.now(), reported_by="gw"
    )


def test_one_time_authorisations_with_a_read_become_used_and_stop_refreshing(
    browser1, api, customer1, migration_apps
):
    registration = register(fetch_type="one_time")
    client_id, secret = credentials(registration)
    verifier, challenge = pkce_pair()
    tokens = exchange(api, client_id, secret, approve(browser1, client_id, challenge), verifier).json()
    read_once = Authorisation.objects.get(subject=customer1.customer_account.subject, status="active")
    # Given before 0006, it was given before the screen's language was recorded (0012): none is known.
    Authorisation.objects.filter(pk=read_once.pk).update(screen_language=None)
    _read_before_used_existed(read_once)

    migration.one_time_reads_made_are_used(migration_apps, None)

    read_once.refresh_from_db()
    assert read_once.status == "used"
    assert read_once.ended_at is not None
    event = read_once.events.get(kind="used")
    assert (event.old_status, event.new_status, event.actor_kind) == ("active", "used", "system")
    receipt = json.loads(selectors.authorisation_receipt(read_once))
    assert (receipt["state"], receipt["event"]["type"]) == ("used", "used")
    # The receipt is the one the platform writes for that event (`authorisations.receipts`).
    assert receipt == json.loads(authorisation_receipt(read_once, event))
    assert refresh(api, client_id, secret, tokens["refresh_token"]).status_code == 400
    answer = selectors.token_introspect(token=tokens["access_token"], now=timezone.now())
    assert answer == {"active": False}


def test_only_live_one_time_authorisations_with_a_read_move(migration_apps):
    paused_one_time = authorise(make_customer(), registration=register(fetch_type="one_time"))
    customer = paused_one_time.user
    services.authorisation_pause(
        actor=actor_for_user(customer), authorisation_id=paused_one_time.pk, subject=paused_one_time.subject
    )
    unread_one_time = authorise(make_customer(), registration=register(fetch_type="one_time"))
    periodic = authorise(make_customer(), registration=register(fetch_type="periodic"))
    revoked_one_time = authorise(make_customer(), registration=register(fetch_type="one_time"))
    services.authorisation_revoke(
        actor=actor_for_user(revoked_one_time.user),
        authorisation_id=revoked_one_time.pk,
        channel="internet_banking",
        subject=revoked_one_time.subject,
    )
    for authorisation in (paused_one_time, periodic, revoked_one_time):
        _read_before_used_existed(authorisation)

    migration.one_time_reads_made_are_used(migration_apps, None)

    statuses = {
        a.pk: (a.status, a.pause_reason)
        for a in Authorisation.objects.filter(
            pk__in=[paused_one_time.pk, unread_one_time.pk, periodic.pk, revoked_one_time.pk]
        )
    }
    assert statuses == {
        paused_one_time.pk: ("used", ""),
        unread_one_time.pk: ("active", ""),
        periodic.pk: ("active", ""),
        revoked_one_time.pk: ("revoked", ""),
    }
    assert paused_one_time.events.get(kind="used").old_status == "paused"
    # Run again (a second deploy), it finds nothing left to move.
    migration.one_time_reads_made_are_used(migration_apps, None)
    assert paused_one_time.events.filter(kind="used").count() == 1


def test_live_refresh_tokens_sharing_a_checksum_are_each_revoked(migration_apps):
    """`(token_checksum, revoked)` is unique (django-oauth-toolkit #1816): two live refresh tokens with
    one checksum cannot take one revocation stamp, so each gets its own."""
    authorisation = authorise(make_customer(), registration=register(fetch_type="one_time"))
    application = authorisation.third_party.application
    twins = [
        RefreshToken.objects.create(user=authorisation.user, application=application, token="same-token")
        for _ in range(2)
    ]
    assert twins[0].token_checksum == twins[1].token_checksum
    _read_before_used_existed(authorisation)

    migration.one_time_reads_made_are_used(migration_apps, None)

    stamps = list(RefreshToken.objects.filter(pk__in=[t.pk for t in twins]).values_list("revoked", flat=True))
    assert None not in stamps and len(set(stamps)) == 2
    authorisation.refresh_from_db()
    assert authorisation.status == "used"
