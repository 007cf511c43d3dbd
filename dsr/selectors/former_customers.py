"""Former customers whose data the bank's retention no longer keeps: the relationship ended longer ago
than the longest retention rule of the inventory counted from that end (Law 91/2025: personal data is
deleted once its purpose is fulfilled and the period a law or the bank's policy keeps it has ended)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from deadlines.local_days import add_months
from deadlines.models import RequestType
from deadlines.policy import LOCAL_TZ
from dsr.models import DataSubjectRequest, LegalHold
from dsr.selectors.deletions import RELEASED_AFTER_LAST_DAY, disputes_in_force, hold_ends_on
from dsr.selectors.relationship_end import rules_counted_from_relationship_end
from dsr.states import ANSWERS, OPEN
from subjects.models import DataSubject
from subjects.selectors import personal_value_masked


def retention_ended_through(*, today: date) -> date | None:
    """The latest relationship end of which every retention rule held by an active system of the
    inventory has ended by the night of `today` (the night after the last day kept, as the legal holds'
    release): the longest rule decides. None when the bank keeps nothing from the relationship's end:
    no retention is set, so none has ended."""
    # Those counted from the relationship's end only: a rule counted from a deletion request keeps what
    # that request produced, and a customer erased here filed none.
    rules = set(rules_counted_from_relationship_end().values_list("start_event", "period_months"))
    if not rules:
        return None
    last_kept = today - RELEASED_AFTER_LAST_DAY
    # A rule's last day moves with the relationship's end, never backwards: step back from a day just
    # past the latest end the longest rule's months allow (a month's end clamps: 31 January + 1 month is
    # 28 February) until every rule's last day has gone by (at most a year more, for a rule counted
    # from the end of the accounting year).
    months = max(period for _event, period in rules)
    ended_on = add_months(last_kept, -months) + timedelta(days=4)
    while any(
        hold_ends_on(start_event=event, period_months=period, relationship_ended_on=ended_on) > last_kept
        for event, period in rules
    ):
        ended_on -= timedelta(days=1)
    return ended_on


def former_customers_past_retention(*, today: date) -> QuerySet[DataSubject]:
    """The former customers whose relationship ended by `retention_ended_through`, not yet erased for
    it, the longest gone first; none with a request still open (a complaint included, or one they filed
    as a child's guardian), an end corrected within its grace (`retention_kept_through`), a legal hold
    not yet released or a hold for a dispute in force today: what those may need is kept; nor the
    guardian on record of a child whose own retention has not run out (a current customer's guardian
    acts for them). A customer whose deletion was answered since the
    relationship ended was erased by it, and its holds end by the nightly release."""
    return _ended_through(retention_ended_through(today=today), today=today)


def _ended_through(through: date | None, *, today: date) -> QuerySet[DataSubject]:
    if through is None:
        return DataSubject.objects.none()
    customer = OuterRef("pk")
    requests = DataSubjectRequest.objects.filter(subject_id=customer)
    # The requests they filed as a child's guardian too: an open one must stay answerable.
    filed = DataSubjectRequest.objects.filter(Q(subject_id=customer) | Q(guardian_id=customer))
    wards = DataSubject.objects.filter(guardian_id=customer)
    # A deletion answered since the relationship ended erased them (its holds end by the release); one
    # answered before a later relationship left what that relationship brought.
    deletions_answered = requests.filter(type=RequestType.DELETE, status__in=sorted(ANSWERS)).annotate(
        closed_on=TruncDate("closed_at", tzinfo=LOCAL_TZ)
    )
    return (
        DataSubject.objects.filter(relationship_ended_on__lte=through, retention_erased_at__isnull=True)
        # An end just brought forward waits its correction's grace, as a legal hold's would.
        .exclude(retention_kept_through__gt=today - RELEASED_AFTER_LAST_DAY)
        .exclude(Exists(filed.filter(status__in=sorted(OPEN))))
        .exclude(Exists(deletions_answered.filter(closed_on__gte=OuterRef("relationship_ended_on"))))
        .exclude(Exists(LegalHold.objects.filter(subject_id=customer, released_at__isnull=True)))
        .exclude(Exists(disputes_in_force(on=today).filter(subject_id=customer)))
        # The guardian on record of a child the bank still keeps acts for them and must stay reachable.
        .exclude(Exists(wards.exclude(relationship_ended_on__lte=through)))
        .order_by("relationship_ended_on", "pk")
    )


def former_customers_past_retention_listed(*, today: date, limit: int) -> dict[str, Any]:
    """The page of `former_customers_past_retention` for the DPO: the first `limit`, each with its
    reference (CIF), its name masked and its relationship's end; their number; the latest relationship
    end past retention (`through`, None when no rule counts from it). Three queries however many."""
    through = retention_ended_through(today=today)
    found = _ended_through(through, today=today)
    first = list(found.only("pk", "external_ref", "full_name", "relationship_ended_on")[:limit])
    return {
        "customers": [
            {
                "subject": subject,
                "name_masked": personal_value_masked("full_name", subject.full_name),
                "ended_on": subject.relationship_ended_on,
            }
            for subject in first
        ],
        "total": found.count() if len(first) == limit else len(first),
        "oldest": first[0].relationship_ended_on if first else None,
        "through": through,
    }
