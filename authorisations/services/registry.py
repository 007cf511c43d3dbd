"""The third-party registry (DPO): registering a third party as an OAuth client, suspending it, giving
its client a new secret."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings

from audit.services import audit_record
from authorisations.models import FetchType, ThirdParty
from authorisations.notices import WEBHOOK_TOPIC
from authorisations.scopes import unknown_scopes
from authorisations.selectors import third_party_secret_refusal
from authorisations.services.moves import end_client_tokens, locked_authorisations, move_all, resume_all
from authorisations.states import MAX_DURATION_DAYS, AuthorisationStatus, PauseReason
from core.actors import Actor
from core.db import conflict_on_duplicate, locked_or_not_found
from core.errors import Conflict, InvalidInput
from integrations.models import WebhookEndpoint
from integrations.webhooks import webhook_url_check

S = AuthorisationStatus


@dataclass(frozen=True)
class Registration:
    third_party: ThirdParty
    client_secret: str  # shown once; only its hash is kept
    webhook_secret: str


@dataclass(frozen=True)
class SecretRotation:
    third_party: ThirdParty
    client_secret: str  # shown once; only its hash is kept


def _client_secret() -> str:
    return secrets.token_urlsafe(48)


def _hashed(client_secret: str) -> str:
    """The client secret as stored. Called before the caller's transaction opens: the hash is slow on
    purpose (PBKDF2, a good part of a second), which the transaction would spend holding its locks and
    the audit chain's head; the toolkit's field leaves a value already hashed as it is."""
    return make_password(client_secret, hasher=oauth2_settings.CLIENT_SECRET_HASHER)


def _exact_https_address(uri: str) -> bool:
    """One https:// address with a host, no wildcard, fragment or whitespace: the toolkit keeps an
    application's URIs space-separated, so an item holding a space would register a second URI."""
    if any(character.isspace() for character in uri) or "*" in uri or "#" in uri:
        return False
    try:
        hostname = urlsplit(uri).hostname
    except ValueError:  # an unclosed IPv6 bracket
        return False
    return uri.startswith("https://") and bool(hostname)


def _clean(
    *, country: str, redirect_uris: list[str], scopes: list[str], max_duration_days: int, fetch_type: str
) -> None:
    if not redirect_uris:
        raise InvalidInput(_("Give at least one redirect URI."), field="redirect_uris")
    for uri in redirect_uris:
        if not _exact_https_address(uri):
            raise InvalidInput(
                _("Redirect URIs must be exact https:// addresses without wildcards or fragments."),
                field="redirect_uris",
            )
    if not scopes:
        raise InvalidInput(_("Name at least one data scope."), field="scopes")
    unknown = unknown_scopes(scopes)
    if unknown:
        raise InvalidInput(_("Unknown data scopes: %(scopes)s."), field="scopes", scopes=", ".join(unknown))
    if not 1 <= max_duration_days <= MAX_DURATION_DAYS:
        raise InvalidInput(
            _("An authorisation lasts at most 12 months (%(days)s days)."),
            field="max_duration_days",
            days=MAX_DURATION_DAYS,
        )
    if fetch_type not in FetchType.values:
        raise InvalidInput(_("Unknown fetch type."), field="fetch_type")
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput(_("Give the country as a two-letter ISO code."), field="country")


def third_party_register(
    *,
    actor: Actor,
    legal_name: str,
    tax_code: str,
    licence_ref: str,
    contact_email: str,
    purpose: str,
    redirect_uris: list[str],
    purpose_en: str = "",
    scopes: list[str],
    country: str = "VN",
    contact_phone: str = "",
    fetch_type: str = FetchType.PERIODIC,
    frequency_per_day: int = 4,
    max_duration_days: int = MAX_DURATION_DAYS,
    confidential: bool = True,
    webhook_url: str = "",
    now: datetime | None = None,
) -> Registration:
    """Register a third party and its OAuth client (authorisation code with PKCE, nothing else)."""
    now = now or timezone.now()
    country = (country or "VN").upper()
    _clean(
        country=country,
        redirect_uris=redirect_uris,
        scopes=scopes,
        max_duration_days=max_duration_days,
        fetch_type=fetch_type,
    )
    Application = get_application_model()
    client_secret = _client_secret() if confidential else ""
    hashed_secret = _hashed(client_secret)
    # The same check as every webhook address (https, a receiver on the internet), on this form's field.
    webhook_url = webhook_url_check(webhook_url, field="webhook_url") if (webhook_url or "").strip() else ""
    webhook_secret = secrets.token_urlsafe(32) if webhook_url else ""
    with transaction.atomic(durable=True):
        duplicate = Conflict(_("A third party with this tax code is already registered."), code="duplicate")
        if ThirdParty.objects.filter(tax_code=tax_code).exists():
            raise duplicate
        # The OAuth client and the webhook need an owner login; it can never sign in.
        owner = get_user_model().objects.create_user(
            username=f"thirdparty-{secrets.token_hex(6)}", password=None, is_active=False
        )
        application = Application.objects.create(
            name=legal_name[:255],
            user=owner,
            client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            client_secret=hashed_secret,
            hash_client_secret=True,
            skip_authorization=False,
            algorithm="",
        )
        webhook = None
        if webhook_url:
            webhook = WebhookEndpoint.objects.create(
                client=owner,
                name=legal_name[:100],
                url=webhook_url,
                secret=webhook_secret,
                events=[WEBHOOK_TOPIC],
            )
        # Two registrations of one tax code at once both pass the look above (READ COMMITTED): the
        # unique index refuses the second, which is answered as the look answers it.
        with conflict_on_duplicate(duplicate):
            third_party = ThirdParty.objects.create(
                legal_name=legal_name,
                tax_code=tax_code,
                licence_ref=licence_ref,
                contact_email=contact_email,
                contact_phone=contact_phone,
                country=country,
                redirect_uris=list(redirect_uris),
                scopes=list(scopes),
                purpose=purpose,
                purpose_en=purpose_en,
                fetch_type=fetch_type,
                frequency_per_day=frequency_per_day,
                max_duration_days=max_duration_days,
                application=application,
                webhook=webhook,
            )
        audit_record(
            action="authorisations.third_party.registered",
            actor=actor,
            target=third_party,
            now=now,
            data={
                "client_id": application.client_id,
                "scopes": sorted(scopes),
                "country": country,
                "cross_border": third_party.cross_border,
            },
        )
    return Registration(third_party=third_party, client_secret=client_secret, webhook_secret=webhook_secret)


def _third_party_switch(third_party_id, *, to: str, already: Conflict) -> ThirdParty:
    """Lock the third party and set its status (caller's transaction); `already` is raised when it
    has that status already."""
    third_party = locked_or_not_found(ThirdParty, third_party_id)
    if third_party.status == to:
        raise already
    third_party.status = to
    third_party.save(update_fields=["status", "updated_at"])
    return third_party


def _of_third_party_locked(third_party: ThirdParty, **filters):
    """Its authorisations matching `filters`, locked (`moves.locked_authorisations`) after the customers
    of all its live ones, not only of those matching: a customer's resume, holding only the customer,
    reads whether the third party is suspended (`moves.resume`) and makes a paused one ACTIVE, or paused
    for the suspension. Read before that resume commits, such a one was passed by (left ACTIVE under a
    suspension, paused for a lifted one) or locked without its customer. Nothing else joins the live
    ones of a third party whose row is held: a grant waits for that row."""
    return locked_authorisations(
        customers_of={"third_party": third_party, "status__in": [S.ACTIVE, S.PAUSED]},
        third_party=third_party,
        **filters,
    )


def third_party_suspend(
    *, actor: Actor, third_party_id, reason: str = "", now: datetime | None = None
) -> ThirdParty:
    """Suspend a third party: every ACTIVE authorisation of it is paused at once, in this transaction."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        third_party = _third_party_switch(
            third_party_id,
            to=ThirdParty.Status.SUSPENDED,
            already=Conflict(_("This third party is already suspended."), code="already_suspended"),
        )
        paused = move_all(
            _of_third_party_locked(third_party, status=S.ACTIVE),
            to=S.PAUSED,
            actor=actor,
            now=now,
            reason=reason,
            pause_reason=PauseReason.THIRD_PARTY_SUSPENDED,
        )
        audit_record(
            action="authorisations.third_party.suspended",
            actor=actor,
            target=third_party,
            now=now,
            data={"paused": paused, "reason": reason[:200]},
        )
    return third_party


def third_party_reactivate(*, actor: Actor, third_party_id, now: datetime | None = None) -> ThirdParty:
    """Lift a suspension: the authorisations it paused (and only those) become ACTIVE again, except
    those the customer's objection or restriction in force still holds, which stay paused for it
    (`moves.resume`)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        third_party = _third_party_switch(
            third_party_id,
            to=ThirdParty.Status.ACTIVE,
            already=Conflict(_("This third party is not suspended."), code="not_suspended"),
        )
        resumed = resume_all(
            _of_third_party_locked(
                third_party, status=S.PAUSED, pause_reason=PauseReason.THIRD_PARTY_SUSPENDED
            ),
            actor=actor,
            now=now,
        )
        audit_record(
            action="authorisations.third_party.reactivated",
            actor=actor,
            target=third_party,
            now=now,
            data={"resumed": resumed},
        )
    return third_party


def third_party_rotate_secret(
    *, actor: Actor, third_party_id, revoke_tokens: bool = False, now: datetime | None = None
) -> SecretRotation:
    """Give the third party's OAuth client a new secret, returned once and stored hashed as at
    registration: the old one is refused at /oauth/token/ from this commit on (a leaked secret). The
    tokens already issued keep working to their own end, so customers' access goes on, unless
    `revoke_tokens`: then every token and pending code of the client ends in this transaction, as
    whatever the leaked secret obtained may be among them. A public client has no secret (409)."""
    now = now or timezone.now()
    client_secret = _client_secret()
    hashed_secret = _hashed(client_secret)
    with transaction.atomic(durable=True):
        third_party = locked_or_not_found(ThirdParty, third_party_id)
        refusal = third_party_secret_refusal(third_party)
        if refusal is not None:
            raise refusal
        application = third_party.application
        application.client_secret = hashed_secret
        application.hash_client_secret = True
        # The client's row changes before any token ends: a token's save holds that row shared while it
        # issues a pair (`oauth.AuthorisationValidator`), so the revocation below comes after that pair.
        application.save(update_fields=["client_secret", "hash_client_secret", "updated"])
        if revoke_tokens:
            end_client_tokens(application.pk)
        audit_record(
            action="authorisations.third_party.secret_rotated",
            actor=actor,
            target=third_party,
            now=now,
            data={"client_id": application.client_id, "tokens_revoked": revoke_tokens},
        )
    return SecretRotation(third_party=third_party, client_secret=client_secret)
