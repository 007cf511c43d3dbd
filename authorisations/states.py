"""The authorisation state machine: statuses, the one table of allowed moves, the terminal set.

Modelled on India's Account Aggregator consent artefact (ACTIVE, PAUSED, REVOKED, EXPIRED), with USED for
a one-time authorisation whose single read has been made (fetch type ONETIME).
`authorisations.services.authorisation_transition` is the only code that applies a move; pages,
API, tasks and the DSR hooks all go through it and through `authorisation_allowed_actions`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consents.catalogue import scope_in_force
from consents.models import ProcessingRestriction, PurposeCategory
from core.states import StateMachine


class AuthorisationStatus(models.TextChoices):
    # A consent in force ("đang hiệu lực"), not a system that is running: its own context.
    ACTIVE = "active", pgettext_lazy("authorisation status", "Active")
    PAUSED = "paused", _("Paused")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    # A one-time authorisation ("Once" on the consent screen) ends with the read it allowed.
    USED = "used", _("Used (read once)")


class PauseReason(models.TextChoices):
    CUSTOMER = "customer", _("Paused by the customer")
    THIRD_PARTY_SUSPENDED = "third_party_suspended", _("The third party is suspended")
    # An objection or a restriction pauses (until it is lifted); a withdrawal, never lifted, revokes.
    DSR = "dsr", _("An objection covers disclosure to third parties")
    RESTRICTION = "restriction", _("A restriction of processing covers disclosure to third parties")


# The pause a data-subject request's restriction in force puts on an authorisation, by its kind
# (`consents.ProcessingRestriction.Kind`); the legal hold of a deletion pauses nothing (deletion revokes).
PAUSE_BY_RESTRICTION = {
    ProcessingRestriction.Kind.OBJECT: PauseReason.DSR,
    ProcessingRestriction.Kind.RESTRICT: PauseReason.RESTRICTION,
}
# The restrictions in force that stop disclosure to third parties (no new authorisation): those that pause,
# and the legal hold of a deletion, whose held data serves only the legal obligation that keeps it (it
# also stops reads, `selectors.authorisation_read_refusal`).
DISCLOSURE_STOP_KINDS = (*PAUSE_BY_RESTRICTION, ProcessingRestriction.Kind.LEGAL_HOLD)


# The purposes whose withdrawal, restriction or objection reaches third-party access, and which access
# each reaches: sharing with third parties reaches every authorisation; a cross-border transfer reaches
# those of third parties abroad (`Authorisation.cross_border`), whose reads carry the data out of Vietnam.
# The one rule, read in Python (`category_reaches`) and in SQL (`restrictions_reaching_disclosure`).
REACHES_EVERY = frozenset({PurposeCategory.SHARING})
REACHES_ABROAD = frozenset({PurposeCategory.CROSS_BORDER})
DISCLOSURE_CATEGORIES = REACHES_EVERY | REACHES_ABROAD


def category_reaches(category: str | None, *, cross_border: bool) -> bool:
    """Whether a withdrawal, restriction or objection of a purpose of `category` (None: of every purpose
    it can reach) reaches an authorisation of a third party abroad (`cross_border`) or at home."""
    if category is None or category in REACHES_EVERY:
        return True
    return cross_border and category in REACHES_ABROAD


def purpose_reaches(purpose, *, cross_border: bool) -> bool:
    """`category_reaches` for a withdrawal, restriction or objection of `purpose` as it stands now (None:
    every purpose it can reach)."""
    return category_reaches(None if purpose is None else purpose.category, cross_border=cross_border)


def covers_third_party_disclosure(purposes) -> bool:
    """A withdrawal, restriction or objection reaches third-party access when it names no purpose (all
    of them) or names a purpose of sharing with third parties or of transfer abroad."""
    return purposes is None or any(purpose_reaches(p, cross_border=True) for p in purposes)


def disclosure_reach(purposes) -> dict[str, bool] | None:
    """The authorisations a withdrawal, restriction or objection of `purposes` (None: all) reaches, as
    filters on them: every one (`{}`), those abroad only, or None when it reaches none."""
    if purposes is None or any(purpose_reaches(p, cross_border=False) for p in purposes):
        return {}
    return {"cross_border": True} if covers_third_party_disclosure(purposes) else None


def _category_at_start() -> Coalesce:
    """A restriction's purpose's category in the purpose version in force when the restriction started
    (null for a restriction naming no purpose). The DPO may re-categorise a purpose later, a narrowing
    in force at once: what the customer objected to does not shrink with it. A version stored while the
    category was wording has none: the purpose's own category stands for it."""
    return scope_in_force(
        "category", at=OuterRef("started_at"), purpose=OuterRef("purpose"), otherwise=F("purpose__category")
    )


def restrictions_reaching_disclosure(restrictions: QuerySet) -> QuerySet:
    """Those of `restrictions` that reach third-party access (`covers_third_party_disclosure` in SQL),
    each with `reach_category`, its purpose's category when it started (`_category_at_start`), for
    `category_reaches`."""
    return restrictions.annotate(reach_category=_category_at_start()).filter(
        Q(purpose__isnull=True) | Q(reach_category__in=sorted(DISCLOSURE_CATEGORIES))
    )


S = AuthorisationStatus

AUTHORISATION_MACHINE = StateMachine({
    S.ACTIVE: {S.PAUSED, S.REVOKED, S.EXPIRED, S.USED},
    # A pause ends by resuming, or the authorisation ends anyway (revoked, or its term runs out). A
    # one-time read the gateway reports during a pause has still been made: the authorisation is used.
    S.PAUSED: {S.ACTIVE, S.REVOKED, S.EXPIRED, S.USED},
    S.REVOKED: set(),
    S.EXPIRED: set(),
    S.USED: set(),
})

# Australia's Consumer Data Right: an authorisation lasts at most 12 months.
MAX_DURATION_DAYS = 365
# The customer hears of the coming end this long before it.
EXPIRY_NOTICE_BEFORE = timedelta(days=7)
# ...and of every active authorisation at this cadence (CDR: a reminder every 90 days).
SUMMARY_EVERY = timedelta(days=90)


def authorisation_expiry(starts_at: datetime, days: int) -> datetime:
    """The end of an authorisation that runs `days` from `starts_at`, capped at 12 months."""
    return starts_at + timedelta(days=min(days, MAX_DURATION_DAYS))
