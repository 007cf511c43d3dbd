"""Reads shared by the API, the pages, the OAuth server and the tasks."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_access_token_model

from authorisations.models import AccessRecord, Authorisation, FetchType, ThirdParty
from authorisations.states import (
    AUTHORISATION_MACHINE,
    DISCLOSURE_STOP_KINDS,
    AuthorisationStatus,
    PauseReason,
    category_reaches,
    disclosure_reach,
    restrictions_reaching_disclosure,
)
from consents.models import ProcessingRestriction
from consents.selectors import restrictions_in_force_of
from core.actors import Actor
from core.errors import Conflict
from deadlines.policy import LOCAL_TZ, local_isoformat

S = AuthorisationStatus


def third_party_list() -> QuerySet[ThirdParty]:
    return ThirdParty.objects.select_related("application").order_by("legal_name", "pk")


def third_party_by_id(pk) -> ThirdParty | None:
    return ThirdParty.objects.select_related("application").filter(pk=pk).first()


def third_party_by_client_id(client_id: str) -> ThirdParty | None:
    return ThirdParty.objects.select_related("application").filter(application__client_id=client_id).first()


def third_party_secret_refusal(third_party: ThirdParty) -> Conflict | None:
    """Why the third party's client cannot be given a new secret (`third_party_rotate_secret` raises
    it; its page shows it instead of the form), or None when it can."""
    if not third_party.confidential:
        return Conflict(
            _("This third party's client is public: it has no secret to replace."), code="public_client"
        )
    return None


def authorisation_list(*, subject=None) -> QuerySet[Authorisation]:
    """Authorisations, newest first; only one customer's when `subject` is given."""
    authorisations = Authorisation.objects.select_related("third_party", "subject")
    authorisations = authorisations.order_by("-starts_at", "-pk")
    return authorisations if subject is None else authorisations.filter(subject=subject)


def authorisation_by_id(pk, *, subject=None) -> Authorisation | None:
    """The authorisation, or None if there is none (or it is not `subject`'s, when given)."""
    return authorisation_list(subject=subject).filter(pk=pk).first()


def authorisation_log() -> QuerySet[AccessRecord]:
    """Reads, newest first (the log's one order)."""
    return AccessRecord.objects.order_by("-accessed_at", "-pk")


# How many of an authorisation's newest reads the customer's page shows; the rest are on its own log.
RECENT_ACCESSES = 10


def authorisations_for_subject(subject) -> QuerySet[Authorisation]:
    """The customer's authorisations, newest first."""
    return authorisation_list().filter(subject=subject)


def authorisations_with_recent_accesses(subject) -> QuerySet[Authorisation]:
    """The customer's authorisations, newest first, each with its newest reads as `recent_accesses`:
    one more than the page shows (`RECENT_ACCESSES`), to know whether older ones follow on the log's own
    pages; a window in the one query of the reads, never the whole log."""
    newest = authorisation_log()[: RECENT_ACCESSES + 1]
    return authorisations_for_subject(subject).prefetch_related(
        Prefetch("accesses", queryset=newest, to_attr="recent_accesses")
    )


def authorisations_with_read_counts(subject) -> QuerySet[Authorisation]:
    """The customer's authorisations, newest first, each with `read_count` and `last_read_at` (None
    before any read), counted in the one query of the list."""
    return authorisation_list(subject=subject).annotate(
        read_count=Count("accesses"), last_read_at=Max("accesses__accessed_at")
    )


def authorisation_accesses(authorisation: Authorisation) -> QuerySet[AccessRecord]:
    return authorisation_log().filter(authorisation=authorisation)


def authorisation_receipt(authorisation: Authorisation) -> str:
    """The receipt of the authorisation's latest change, as frozen when it was issued."""
    return authorisation.events.order_by("-at").first().receipt


def _live_authorisations(*, user, application) -> QuerySet[Authorisation]:
    return Authorisation.objects.select_related("third_party", "subject").filter(
        user=user, third_party__application=application, status__in=AUTHORISATION_MACHINE.live
    )


def authorisation_live_for(*, user, application, locked: bool = False) -> Authorisation | None:
    """The one ACTIVE or PAUSED authorisation a customer gave this OAuth client, if any. `locked`: its row
    held for the caller's transaction (FOR NO KEY UPDATE), so a move of it under way is waited for and
    read as it committed, and one that comes later waits for the caller."""
    if user is None or application is None or not getattr(user, "pk", None):
        return None
    live = _live_authorisations(user=user, application=application)
    if locked:
        live = live.select_for_update(no_key=True, of=("self",))
    return live.first()


def authorisation_allowed_actions(authorisation: Authorisation, actor: Actor) -> frozenset[str]:
    """What this actor may do with the authorisation now: "pause", "resume", "revoke"."""
    nexts = AUTHORISATION_MACHINE.allowed_next(authorisation.status_now)
    actions = set()
    if S.REVOKED in nexts and (actor.is_customer or actor.is_staff):
        actions.add("revoke")
    if actor.is_customer and S.PAUSED in nexts:
        actions.add("pause")
    # A customer resumes only their own pause; a suspension or an objection's pause ends with its cause.
    if actor.is_customer and S.ACTIVE in nexts and authorisation.pause_reason == PauseReason.CUSTOMER:
        actions.add("resume")
    return frozenset(actions)


def _reads_today(now: datetime) -> Case:
    """An authorisation's reads on `now`'s day, midnight to midnight in the bank's time zone
    (Asia/Ho_Chi_Minh), as an annotation; counted for a periodic one only. A subquery on the access
    log's (authorisation, time) index reads that day's rows only, not the authorisation's whole log."""
    day_starts = datetime.combine(timezone.localtime(now, LOCAL_TZ).date(), time.min, tzinfo=LOCAL_TZ)
    today = (
        AccessRecord.objects.filter(
            authorisation=OuterRef("pk"),
            accessed_at__gte=day_starts,
            accessed_at__lt=day_starts + timedelta(days=1),
        )
        .order_by()
        .values("authorisation")
        .annotate(reads=Count("pk"))
        .values("reads")
    )
    return Case(
        When(fetch_type=FetchType.PERIODIC, then=Coalesce(Subquery(today), 0)),
        default=Value(0),
        output_field=IntegerField(),
    )


def authorisation_reads_remaining(authorisation: Authorisation, *, reads_today: int) -> int:
    """How many reads the customer's agreement still allows the third party, of a live authorisation
    whose periodic reads on the day number `reads_today`: a one-time one has its single read left (the
    read ends it, USED, `access_record`, and a used one is not live), a periodic one
    `frequency_per_day` a day, counted from the reads the gateway reported or claimed (`AccessRecord`,
    by when each was made)."""
    if authorisation.fetch_type == FetchType.ONE_TIME:
        return 1
    return max(authorisation.frequency_per_day - reads_today, 0)


def _held_by_law() -> Exists:
    """Whether the authorisation's customer has a legal hold in force that reaches disclosure to third
    parties (`restrictions_reaching_disclosure`), as an annotation: the held data serves only the legal
    obligation that keeps it."""
    return Exists(
        restrictions_reaching_disclosure(ProcessingRestriction.objects.filter(
            subject=OuterRef("subject_id"), kind=ProcessingRestriction.Kind.LEGAL_HOLD, lifted_at__isnull=True
        ))
    )


def authorisation_read_facts(authorisation: Authorisation, *, now: datetime) -> tuple[int, bool]:
    """What `authorisation_read_refusal` needs beyond the row, of an authorisation loaded without it (the
    one `access_claim` holds locked), in one query: its reads today (read after the lock is taken, the
    count includes the read of a claim that held the lock before) and whether a legal hold holds the
    customer's data."""
    return (
        Authorisation.objects.filter(pk=authorisation.pk)
        .annotate(reads_today=_reads_today(now), held_by_law=_held_by_law())
        .values_list("reads_today", "held_by_law")
        .get()
    )


# Why an authorisation allows its third party no read now (`authorisation_read_refusal`); the codes
# the read claim answers 409 with.
READ_USED = "read_used"
AUTHORISATION_PAUSED = "authorisation_paused"
THIRD_PARTY_SUSPENDED = "third_party_suspended"
AUTHORISATION_ENDED = "authorisation_ended"
DAILY_LIMIT_REACHED = "daily_limit_reached"
LEGAL_HOLD = "legal_hold"


def expired_instead(authorisation: Authorisation) -> bool:
    """Whether a pause, resume or revocation just made recorded the authorisation's expiry instead, its
    term having ended before the sweep found it (`services.authorisation_transition`)."""
    return authorisation.status == AuthorisationStatus.EXPIRED


def authorisation_read_refusal(
    authorisation: Authorisation, *, now: datetime, reads_today: int, held_by_law: bool, replay: bool = False
) -> str | None:
    """Why the third party may not read the customer's data under this authorisation now, as a code,
    or None when it may: the one rule of introspection (any code: inactive) and of the read claim (the
    code: its 409). A read needs the authorisation ACTIVE and within its term, its third party active,
    the customer's data under no legal hold reaching disclosure (`held_by_law`, `_held_by_law`), and the
    agreed reads not used up (`authorisation_reads_remaining`). A `replay` (a claim retried after a
    lost answer) is the claim's own read: what that read used up (the one-time read, today's count) does
    not refuse it, everything since does. Reads only the row and its third party (loaded with it) and
    the facts given, so introspection's look-up stays one query."""
    used_by_this_claim = replay and authorisation.status == S.USED
    if authorisation.status == S.USED and not used_by_this_claim:
        return READ_USED
    if authorisation.status == S.PAUSED:
        return AUTHORISATION_PAUSED
    if authorisation.third_party.status != ThirdParty.Status.ACTIVE:
        return THIRD_PARTY_SUSPENDED
    if not (authorisation.usable_at(now) or used_by_this_claim and authorisation.within_term(now)):
        return AUTHORISATION_ENDED
    if held_by_law:
        return LEGAL_HOLD
    if not replay and authorisation_reads_remaining(authorisation, reads_today=reads_today) == 0:
        return DAILY_LIMIT_REACHED
    return None


INACTIVE: dict[str, Any] = {"active": False}


def token_introspect(*, token: str, now: datetime) -> dict[str, Any]:
    """RFC 7662 answer for an access token, read from the database every time (no cache), so a
    revocation or pause shows at the next call. Active only for an authorisation whose scopes include
    every scope of the token and that allows a read now (`authorisation_read_refusal`, the read
    claim's rule: ACTIVE, unexpired, its third party active, the reads it allows not used up, "Once"
    or "at most N times a day" as the customer agreed); the answer says how many remain, so the
    gateway can hold to them. On the
    gateway's hot path: two queries, the token and the authorisation with today's reads folded in."""
    if not token:
        return INACTIVE
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    access = (
        get_access_token_model()
        .objects.select_related("application", "user")
        .filter(token_checksum=checksum)
        .first()
    )
    if access is None or access.user is None or access.application is None or access.is_expired():
        return INACTIVE
    authorisation = (
        _live_authorisations(user=access.user, application=access.application)
        .annotate(reads_today=_reads_today(now), held_by_law=_held_by_law())
        .first()
    )
    if (
        authorisation is None
        # A token minted under an earlier authorisation of the same third party is not covered.
        or access.created < authorisation.starts_at
        or not set(access.scope.split()) <= set(authorisation.scopes)
        or authorisation_read_refusal(
            authorisation,
            now=now,
            reads_today=authorisation.reads_today,
            held_by_law=authorisation.held_by_law,
        )
    ):
        return INACTIVE
    remaining = authorisation_reads_remaining(authorisation, reads_today=authorisation.reads_today)
    return {
        "active": True,
        "scope": access.scope,
        "client_id": access.application.client_id,
        "token_type": "Bearer",
        "exp": int(min(access.expires, authorisation.expires_at).timestamp()),
        "iat": int(access.created.timestamp()),
        # The bank's customer number (CIF): the gateway needs to know whose data to serve.
        "sub": authorisation.subject.external_ref,
        "authorisation_id": str(authorisation.pk),
        "authorisation_expires_at": authorisation.expires_at.isoformat(),
        "fetch_type": authorisation.fetch_type,
        "frequency_per_day": authorisation.reads_per_day,
        "reads_remaining": remaining,
    }


def disclosure_stops_in_force(
    subject_ids, *, kinds=DISCLOSURE_STOP_KINDS
) -> dict[tuple[Any, bool], ProcessingRestriction]:
    """Each of these customers' oldest restriction in force of one of `kinds` (by default an objection,
    a restriction or a legal hold) that reaches disclosure to third parties (one naming no purpose, so
    everything it can reach, or a purpose of sharing with third parties or of transfer abroad, as the
    purpose stood when it started: `restrictions_reaching_disclosure`), read in one query, by (subject
    id, whether the third party is abroad): one of a transfer abroad reaches only third parties abroad
    (`states.category_reaches`). A
    customer with none is left out. While one is in force no new authorisation it reaches is given;
    while an objection or restriction is, no authorisation of theirs it reaches resumes
    (`moves.holding_cause`)."""
    stops: dict[tuple[Any, bool], ProcessingRestriction] = {}
    in_force = restrictions_reaching_disclosure(
        restrictions_in_force_of(list(subject_ids)).filter(kind__in=list(kinds))
    ).order_by("started_at", "pk")
    for restriction in in_force:
        for cross_border in (True, False):
            if category_reaches(restriction.reach_category, cross_border=cross_border):
                stops.setdefault((restriction.subject_id, cross_border), restriction)
    return stops


def authorisation_request_pause_sources() -> list[str]:
    """The data-subject requests (as their `source`) that hold authorisations paused, each once."""
    paused = Authorisation.objects.filter(status=S.PAUSED, pause_reason=PauseReason.DSR)
    return sorted(set(paused.values_list("pause_source", flat=True)))


def authorisations_export(subject) -> list[dict[str, Any]]:
    """The customer's authorisations with their access logs, for an access or copy export, in Vietnam
    time. A read claimed before serving and not reported yet has no record count (`awaiting_report`)."""
    return [
        {
            "id": str(a.pk),
            "third_party": a.third_party.legal_name,
            "third_party_country": a.third_party.country,
            "scopes": list(a.scopes),
            "purpose": a.purpose_text,
            "status": a.status_now,
            "starts_at": local_isoformat(a.starts_at),
            "expires_at": local_isoformat(a.expires_at),
            "ended_at": local_isoformat(a.ended_at),
            "accesses": [
                {
                    "scope": r.scope,
                    "at": local_isoformat(r.accessed_at),
                    "records": r.records_reported,
                    "awaiting_report": r.awaiting_report,
                }
                for r in a.accesses.all()
            ],
        }
        for a in authorisations_for_subject(subject).prefetch_related(
            Prefetch("accesses", queryset=authorisation_log())
        )
    ]


def withdrawal_ends_access_explained(*, subject, purposes) -> list[str]:
    """What withdrawing consent to `purposes` does to the customer's third-party access, told before the
    withdrawal (registered with `consents.follow_ups`): the third parties whose live authorisations
    `authorisations_revoke_for_withdrawal_locked` would revoke, by name; nothing when it reaches none."""
    reach = disclosure_reach(purposes)
    if reach is None:
        return []
    # One whose term has ended reads expired already: the withdrawal ends nothing of it.
    live = (
        Authorisation.objects.live_at(timezone.now())
        .filter(subject=subject, **reach)
        .values_list("third_party__legal_name", flat=True)
    )
    names = sorted(set(live))
    if not names:
        return []
    return [
        _(
            "The access you gave to third parties through the bank ends too, for good: %(names)s. To let one "
            "read your data again, authorise it again."
        )
        % {"names": ", ".join(names)}
    ]
