"""Sending the scheduled deadline reports to the DPO: an HTML e-mail with the CSV attached, queued
in the outbox (so a mail-server outage only delays it) and sent once per report and period, worded
in each DPO's language."""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.languages import per_language
from audit.services import audit_record
from audit.services.unusual import CUSTOMERS_NAMED
from core.actors import Actor
from core.roles import Role
from core.spreadsheets import spreadsheet_file
from deadlines.policy import LOCAL_TZ, add_months, local_midnight
from dsr.report_csv import monthly_csv, report_csv
from dsr.reports import deadline_report, monthly_figures, report_labelled
from integrations.outbox import absolute_url, outbox_email_staff

logger = logging.getLogger(__name__)


def report_period(kind: str, now: datetime) -> tuple[datetime, datetime]:
    """The period whose closures a report rates: the last 30 days (daily), the last full week
    Monday to Monday (weekly), the last calendar month (monthly); local days."""
    today = timezone.localtime(now, LOCAL_TZ).date()
    if kind == "daily":
        start, end = today - timedelta(days=30), today
    elif kind == "weekly":
        end = today - timedelta(days=today.weekday())
        start = end - timedelta(days=7)
    elif kind == "monthly":
        end = today.replace(day=1)
        start = add_months(end, -1)
    else:
        raise ValueError(f"unknown report kind {kind!r}")
    return local_midnight(start), local_midnight(end)


def report_send(*, kind: str, now: datetime | None = None) -> int:
    """Queue the `kind` report to every DPO; the report of one period is queued once, whatever day it
    runs (late after downtime, or again by hand the next day). Returns the number of e-mails queued."""
    now = now or timezone.now()
    since, until = report_period(kind, now)
    # The period's first and last local days: what the report is of, once, and what its file is named.
    first_day = timezone.localtime(since, LOCAL_TZ).date()
    last_day = timezone.localtime(until, LOCAL_TZ).date() - timedelta(days=1)

    # A month is reported as its printable page reports it: open work as of its end, not as of the
    # morning after (a deadline that ran out at 05:00 on the 1st was not missed in the month), beside
    # the month's own figures; the requests to act on are listed as they stand now all the same.
    as_of = min(now, until) if kind == "monthly" else now

    # The figures are the same for every DPO: computed once, when the first message is built;
    # only the labels, the CSV and the link are worded in each DPO's language.
    @functools.cache
    def figures() -> dict[str, Any]:
        report = deadline_report(now=as_of, since=since, until=until, act_on_at=now)
        if kind != "monthly":
            return report
        return {**report, "month": monthly_figures(since=since, until=until, now=now)}

    def worded() -> dict[str, Any]:
        report = report_labelled(figures())
        # Each request to act on opens on its own page; the rest wait in the queue's "needs attention".
        for row in report["to_act_on"]["requests"]:
            row["link"] = absolute_url(reverse("dsr:detail", args=[row["id"]]))
        report["to_act_on"]["queue_link"] = absolute_url(f"{reverse('dsr:queue')}?due=attention")
        link = reverse("dsr:report_deadlines")
        if kind == "monthly":
            link = reverse("dsr:report_monthly", args=[since.year, since.month])
        files = [(f"deadline-report-{kind}-{first_day}-{last_day}.csv", report_csv(report))]
        if kind == "monthly":
            # The regulator's CSV of the month, as the monthly page downloads it.
            files.append((f"deadline-report-{since:%Y-%m}.csv",
                          monthly_csv(report["month"], bank_name=settings.BANK_NAME,
                                      refusals=report["refusals"])))
        csv_files = [{"filename": name, "content": spreadsheet_file(text), "mimetype": "text/csv"}
                     for name, text in files]
        return {"report": report, "link": link, "csv_files": csv_files}

    wording = per_language(worded)
    with transaction.atomic(durable=True):
        queued = outbox_email_staff(
            roles=[Role.DPO],
            template="dsr/email/deadline_report",
            context=lambda language: {
                "kind": kind,
                "report": wording(language)["report"],
                "generated_at": now,
                "as_of_at": as_of,
                "since_at": since,
                # The period ends at midnight, exclusive: its last day is the day before.
                "last_day_at": until - timedelta(days=1),
                "link": absolute_url(wording(language)["link"]),
            },
            attachments=lambda language: wording(language)["csv_files"],
            topic=f"report.deadlines.{kind}",
            dedupe_key=f"report:{kind}:{first_day}:{last_day}",
            now=now,
        )
    if not queued:
        # Nobody to send it to is an outage of its own: the DPO would learn of it only by missing it.
        logger.error("deadline report %s for %s to %s reached nobody: no active DPO has an e-mail address",
                     kind, first_day, last_day)
    return queued


def request_queue_export_record(*, actor: Actor, filters: dict[str, str], requests: list) -> None:
    """Record that staff took the request queue away as CSV: who, with which filters, how many rows and
    of how many customers. The file holds no personal data, but it leaves the platform and says who asked
    what when; its references lead to the customers, whom the unusual-access sweep counts from here."""
    with transaction.atomic(durable=True):
        audit_record(
            action="dsr.queue.exported", actor=actor, subject=None, target=None,
            data={"filters": filters, "rows": len(requests),
                  CUSTOMERS_NAMED: len({request.subject_id for request in requests})},
        )
