"""Sending the scheduled deadline reports to the DPO: an HTML e-mail with the CSV attached, queued
in the outbox (so a mail-server outage only delays it) and sent once per report and period, worded
in each DPO's language."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.languages import per_language
from core.roles import Role
from core.spreadsheets import spreadsheet_file
from deadlines.policy import LOCAL_TZ, add_months, local_midnight
from dsr.report_csv import report_csv
from dsr.reports import deadline_report, report_labelled
from integrations.outbox import absolute_url, outbox_email_staff


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

    # The figures are the same for every DPO: computed once, when the first message is built;
    # only the labels, the CSV and the link are worded in each DPO's language.
    @functools.cache
    def figures() -> dict[str, Any]:
        return deadline_report(now=now, since=since, until=until)

    def worded() -> dict[str, Any]:
        report = report_labelled(figures())
        # Each request to act on opens on its own page; the rest wait in the queue's "needs attention".
        for row in report["to_act_on"]["requests"]:
            row["link"] = absolute_url(reverse("dsr:detail", args=[row["id"]]))
        report["to_act_on"]["queue_link"] = absolute_url(f"{reverse('dsr:queue')}?due=attention")
        link = reverse("dsr:report_deadlines")
        if kind == "monthly":
            link = reverse("dsr:report_monthly", args=[since.year, since.month])
        return {"report": report, "link": link, "csv": spreadsheet_file(report_csv(report))}

    wording = per_language(worded)
    with transaction.atomic(durable=True):
        queued = outbox_email_staff(
            roles=[Role.DPO],
            template="dsr/email/deadline_report",
            context=lambda language: {
                "kind": kind,
                "report": wording(language)["report"],
                "generated_at": now,
                "since_at": since,
                # The period ends at midnight, exclusive: its last day is the day before.
                "last_day_at": until - timedelta(days=1),
                "link": absolute_url(wording(language)["link"]),
            },
            attachments=lambda language: [
                {
                    "filename": f"deadline-report-{kind}-{first_day}-{last_day}.csv",
                    "content": wording(language)["csv"],
                    "mimetype": "text/csv",
                }
            ],
            topic=f"report.deadlines.{kind}",
            dedupe_key=f"report:{kind}:{first_day}:{last_day}",
            now=now,
        )
    return queued
