"""The consent report: what customers answered in a period, by purpose and channel, and how the
recipients stopped after the consents the period ended. One set of figures behind the portal page,
its CSV and `GET /api/v1/reports/consents/`.

A period runs from one local (Asia/Ho_Chi_Minh) midnight to another, `[since, until)`; a month by
default. What happened in it is counted from the append-only events (`ConsentEvent`), one per answer
or move, so a re-grant after a withdrawal is a grant again and nothing a join repeats is counted twice.
Every figure is as of `until`, or as of now while the period runs (`as_of`): what stands at its end
(consents in force, stops still open) is read from the times the rows keep (granted, ended, expires,
acknowledged), so a month's figures do not change when the next month's acknowledgements arrive. The
one correction that reaches back: a record voided as made in error counts in no month, not even those
before its void (`consent_void`); the stops its void sent are counted in the month of the void, on
rows of their own (due all the same, but not a customer's withdrawal).

- **in force at the start / at the end**, and **superseded** (replaced by the customer's consent to a
  newer notice of the purpose): with them the month reconciles, start + granted - withdrawn - expired -
  superseded = end, per purpose and in total (not by channel: a withdrawal counts under its own channel),
  so an auditor can tie one month's end to the next one's start and every consent that left to its event.
- **channel**: the one the customer answered or withdrew through; an expiry (and a platform's stop)
  has none, and counts under the channel the consent was given through.
- **withdrawn whole / partial**: partial when the customer kept consent to another purpose after it,
  whole when they had none left (a withdrawal of several purposes at once counts each purpose, all
  whole when nothing was kept).
- **stops**: the recipients' duties to stop processing that the period's withdrawals, voids, expiries and
  replacements opened (`WithdrawalDuty.objects.stops()`, by recipient and cause, the status the consent
  ended in; notices of a correction are another kind, left out), due by the bank's committed deadline
  (`deadlines.policy`, 72 hours by the bank's policy): acknowledged by it, acknowledged after it, or
  still open (and of those, past it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from consents.catalogue import scope_in_force
from consents.models import (
    LAPSED,
    NEVER_IN_FORCE,
    Channel,
    Consent,
    ConsentEvent,
    ConsentStatus,
    LegalBasis,
    Purpose,
    Recipient,
    WithdrawalDuty,
    ends_at,
)
from core.labels import choice_label, in_reader_language
from deadlines.local_days import local_year
from deadlines.policy import LOCAL_TZ, local_month

# The month reconciles: in_force_at_start + granted - withdrawn - expired - superseded = in_force_at_end.
CONSENT_FIGURES = ("in_force_at_start", "granted", "refused", "withdrawn", "withdrawn_whole",
                   "withdrawn_partial", "expired", "superseded", "in_force_at_end")
_EVENT_FIGURES = ("granted", "refused", "withdrawn", "withdrawn_partial", "expired", "superseded")
STOP_FIGURES = ("sent", "acknowledged_on_time", "acknowledged_late", "open", "open_overdue")
_CHANNEL_ORDER = {key: index for index, key in enumerate(Channel.values)}


def _in_force_q(at, *, inclusive: bool) -> Q:
    """Consents in force at `at` (a time, or an expression such as an outer event's time); a refusal
    is a record, never in force, and a record voided as made in error never was, even before its void.
    At the end of a period that ends at `at` (`inclusive=False`): granted before it, not ended or
    expired before it. Just after a withdrawal at `at` (`inclusive=True`): granted by then, and those
    ended at that very moment went with it."""
    granted = Q(granted_at__lte=at) if inclusive else Q(granted_at__lt=at)
    # Not ended by `at`, live ones too, as one range of the index `consent_in_force` (`ends_at`).
    not_ended = Q(GreaterThan(ends_at(), at)) if inclusive else Q(GreaterThanOrEqual(ends_at(), at))
    expires_after = Q(expires_at__gt=at) if inclusive else Q(expires_at__gte=at)
    return (
        granted
        & ~Q(status__in=NEVER_IN_FORCE)
        & not_ended
        & (Q(expires_at__isnull=True) | expires_after)
    )


def _events(since: datetime, until: datetime) -> dict[tuple[int, str], dict[str, int]]:
    """Grants, refusals, withdrawals (whole, partial) and expiries in the period, by purpose and
    channel: one grouped query over the events. Those of a record voided as made in error are none of
    the customer's answers, whenever the void came."""
    kept_another = Exists(
        Consent.objects.filter(_in_force_q(OuterRef("at"), inclusive=True), subject_id=OuterRef("subject_id"))
        .exclude(purpose_id=OuterRef("consent__purpose_id"))
    )
    withdrawn = Q(kind=ConsentStatus.WITHDRAWN)
    rows = (
        ConsentEvent.objects.filter(at__gte=since, at__lt=until)
        .exclude(consent__status=ConsentStatus.VOIDED)
        .values(purpose_key=F("consent__purpose_id"),
                channel_key=Coalesce(NullIf("channel", Value("")), "consent__channel"))
        .annotate(
            granted=Count("pk", filter=Q(kind=ConsentStatus.GRANTED)),
            refused=Count("pk", filter=Q(kind=ConsentStatus.REFUSED)),
            withdrawn=Count("pk", filter=withdrawn),
            withdrawn_partial=Count("pk", filter=withdrawn & Q(kept_another)),
            expired=Count("pk", filter=Q(kind=ConsentStatus.EXPIRED)),
            superseded=Count("pk", filter=Q(kind=ConsentStatus.SUPERSEDED)),
        )
        .order_by()
    )
    found = {}
    for row in rows:
        figures = {k: row[k] for k in _EVENT_FIGURES}
        figures["withdrawn_whole"] = figures["withdrawn"] - figures["withdrawn_partial"]
        found[(row["purpose_key"], row["channel_key"])] = figures
    for key, count in _expiries_unrecorded(since, until).items():
        found.setdefault(key, dict.fromkeys((*_EVENT_FIGURES, "withdrawn_whole"), 0))["expired"] += count
    return found


def _expiries_unrecorded(since: datetime, until: datetime) -> dict[tuple[int, str], int]:
    """Terms that ran out in the period that the hourly sweep has not recorded yet (still `granted`), by
    purpose and the channel the consent was given through: already out of "in force at the end", so
    expired in the period, as the sweep will date them (at the end of the term) and as the
    consents-at-a-moment page reads them. Once recorded, they are `expired` events, counted there."""
    rows = (
        Consent.objects.filter(status=ConsentStatus.GRANTED, expires_at__gte=since, expires_at__lt=until)
        .values("purpose_id", "channel")
        .annotate(count=Count("*"))
        .order_by()
    )
    return {(row["purpose_id"], row["channel"]): row["count"] for row in rows}


def _in_force(as_of: datetime) -> dict[tuple[int, str], int]:
    rows = (
        Consent.objects.filter(_in_force_q(as_of, inclusive=False))
        .values("purpose_id", "channel")
        # Count("*"), not the key, which the index the rows are read from does not hold.
        .annotate(count=Count("*"))
        .order_by()
    )
    return {(row["purpose_id"], row["channel"]): row["count"] for row in rows}


def _summed(rows: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, int]:
    return {name: sum(row[name] for row in rows) for name in names}


def _by_purpose(since: datetime, as_of: datetime) -> list[dict[str, Any]]:
    events = _events(since, as_of)
    cells: dict[int, dict[str, dict[str, int]]] = {}
    for (purpose_id, channel), figures in events.items():
        cells.setdefault(purpose_id, {})[channel] = {**dict.fromkeys(CONSENT_FIGURES, 0), **figures}
    for figure, at in (("in_force_at_start", since), ("in_force_at_end", as_of)):
        for (purpose_id, channel), count in _in_force(at).items():
            cell = cells.setdefault(purpose_id, {}).setdefault(channel, dict.fromkeys(CONSENT_FIGURES, 0))
            cell[figure] = count
    # Every purpose a customer can consent to at `as_of` has its row, with nothing in it if need be: by its
    # version in force then, as the consent check judges it, not by the row the job updates minutes later.
    basis = scope_in_force("legal_basis", at=as_of, purpose=OuterRef("pk"), otherwise=F("legal_basis"))
    purposes = Purpose.objects.alias(basis_in_force=basis).filter(
        Q(basis_in_force=LegalBasis.CONSENT, active=True) | Q(pk__in=list(cells))
    )
    rows = []
    for purpose in sorted(purposes, key=lambda purpose: purpose.code):
        channels = [
            {"channel": channel, "label": choice_label(Channel.choices, channel), **figures}
            for channel, figures in sorted(
                cells.get(purpose.pk, {}).items(), key=lambda item: _CHANNEL_ORDER.get(item[0], len(Channel))
            )
        ]
        rows.append({"purpose": purpose.code, "label": purpose.name, **_summed(channels, CONSENT_FIGURES),
                     "channels": channels})
    return rows


def _by_channel(by_purpose: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every channel's figures over all purposes (sums of the purpose rows: no query)."""
    cells = [cell for row in by_purpose for cell in row["channels"]]
    return [
        {"channel": key, "label": str(label),
         **_summed([cell for cell in cells if cell["channel"] == key], CONSENT_FIGURES)}
        for key, label in Channel.choices
    ]


def _stops(since: datetime, as_of: datetime) -> list[dict[str, Any]]:
    """The stops the period's ended consents sent, by recipient and cause (the consent withdrawn, voided as
    recorded in error, expired, or superseded by a consent to a newer notice), as they stood at `as_of`:
    one grouped query of three arms, each finding its consents by its own index (a duty names one consent
    and one recipient: the joins repeat nothing). A consent that ended otherwise than by a withdrawal
    ended at `ended_at`; a voided refusal sent no stop."""
    acknowledged = Q(acknowledged_at__isnull=False, acknowledged_at__lt=as_of)

    def by_recipient(duties, cause):
        return (
            duties.annotate(cause=cause)
            .values(
                "recipient_id", "recipient__name", "recipient__name_en", "recipient__kind",
                "recipient__active", "cause",
            )
            .annotate(
                sent=Count("pk"),
                acknowledged_on_time=Count("pk", filter=acknowledged & Q(acknowledged_at__lte=F("due_at"))),
                acknowledged_late=Count("pk", filter=acknowledged & Q(acknowledged_at__gt=F("due_at"))),
                open=Count("pk", filter=~acknowledged),
                open_overdue=Count("pk", filter=~acknowledged & Q(due_at__lt=as_of)),
            )
            .order_by()
        )

    stops = WithdrawalDuty.objects.stops()
    withdrawals = stops.filter(consent__withdrawn_at__gte=since, consent__withdrawn_at__lt=as_of)
    voids = stops.filter(
        consent__status=ConsentStatus.VOIDED, consent__ended_at__gte=since, consent__ended_at__lt=as_of
    )
    lapses = stops.filter(
        consent__status__in=LAPSED, consent__ended_at__gte=since, consent__ended_at__lt=as_of
    )
    rows = (
        by_recipient(withdrawals, Value(ConsentStatus.WITHDRAWN.value))
        .union(by_recipient(voids, Value(ConsentStatus.VOIDED.value)),
               by_recipient(lapses, F("consent__status")), all=True)
        # A recipient's withdrawn, voided, superseded, then expired.
        .order_by("recipient__name", "recipient_id", "-cause")
    )
    return [
        {
            "recipient": row["recipient_id"],
            "label": in_reader_language(row["recipient__name"], row["recipient__name_en"]),
            "kind": row["recipient__kind"],
            "kind_label": choice_label(Recipient.Kind.choices, row["recipient__kind"]),
            "active": row["recipient__active"],
            "cause": row["cause"],
            "cause_label": choice_label(ConsentStatus.choices, row["cause"]),
            **{name: row[name] for name in STOP_FIGURES},
        }
        for row in rows
    ]


def consent_report(*, since: datetime, until: datetime, now: datetime | None = None) -> dict[str, Any]:
    """Every figure of the consent report for `[since, until)`, labels in the active language."""
    now = now or timezone.now()
    as_of = min(now, until)
    by_purpose = _by_purpose(since, as_of)
    recipients = _stops(since, as_of)
    return {
        "generated_at": now,
        "period": {"since": since, "until": until},
        "as_of": as_of,
        "totals": _summed(by_purpose, CONSENT_FIGURES),
        "by_purpose": by_purpose,
        "by_channel": _by_channel(by_purpose),
        "recipients": recipients,
        "recipient_totals": _summed(recipients, STOP_FIGURES),
    }


def this_month(now: datetime | None = None) -> date:
    """The first day of the local month `now` (by default, now) falls in: the latest month a report
    has figures for."""
    return timezone.localtime(now or timezone.now(), LOCAL_TZ).date().replace(day=1)


def consent_report_month(first: date | None = None, *, now: datetime | None = None) -> dict[str, Any]:
    """The report of the local month starting on `first` (by default, this month), with `month`."""
    now = now or timezone.now()
    first = first or this_month(now)
    since, until = local_month(first)
    return {**consent_report(since=since, until=until, now=now), "month": first}


def consent_report_year(year: int, *, now: datetime | None = None) -> dict[str, Any]:
    """The report of the local calendar year `year` (1 January 00:00 to the next, Vietnam time), with
    `year`: in force at the year's own start and end, which twelve monthly reports cannot be summed into."""
    since, until = local_year(year)
    return {**consent_report(since=since, until=until, now=now), "year": year}
