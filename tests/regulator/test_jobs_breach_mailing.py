"""Telling a breach's affected customers runs as a background job (#17): chunks committed with the
job's cursor, resumed after a crash without telling anyone twice, cancellable, with a progress page
and an API that answers 202 with the job to poll."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from integrations.delivery import VIETNAM_TIME
from integrations.jobs import STALE_AFTER, job_cancel
from integrations.models import BackgroundJob, OutboxMessage
from integrations.states import JobStatus
from regulator import services
from regulator.services import breach_mailing
from subjects.models import DataSubject
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db


def _breach_with_customers(count: int):
    make_inventory()
    make_catalogue()
    customers = [make_customer() for _ in range(count)]
    # Core banking serves a contract purpose: every customer of the bank is affected.
    return make_breach(systems=["core_banking"], categories=["accounts"]), customers


def _told(breach) -> list[str]:
    return sorted(
        str(pk) for pk in OutboxMessage.objects.filter(
            dedupe_key__startswith=f"breach:{breach.pk}:"
        ).values_list("subject_id", flat=True)
    )


def test_the_job_tells_every_customer_in_chunks_and_records_it(django_capture_on_commit_callbacks):
    breach, customers = _breach_with_customers(10)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk)
    assert job.status == JobStatus.QUEUED and job.kind == breach_mailing.CUSTOMERS_TASK
    assert len(callbacks) == 1  # the worker is asked on commit
    assert _told(breach) == []  # nothing sent inside the request
    breach.refresh_from_db()
    assert breach.customers_job_id == job.pk and breach.customer_notice_decision == "notify"
    assert breach.customers_notified_at is None

    with django_capture_on_commit_callbacks():
        done = services.breach_customers_notify_run(job_id=job.pk, chunk_size=4)
    assert done.status == JobStatus.DONE
    assert (done.rows_total, done.rows_done, done.cursor) == (10, 10, 10)
    assert _told(breach) == sorted(str(c.pk) for c in customers)
    breach.refresh_from_db()
    assert breach.customers_notified == 10 and breach.customers_notified_at is not None
    entry = AuditEntry.objects.get(action="regulator.breach.customers_notified")
    assert (entry.data["messages"], entry.data["queued"]) == (10, 10)


def test_pressing_again_while_the_mailing_runs_returns_the_same_job():
    breach, _customers = _breach_with_customers(2)
    first = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    again = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    assert again.pk == first.pk
    assert BackgroundJob.objects.filter(kind=breach_mailing.CUSTOMERS_TASK).count() == 1


def test_a_worker_killed_mid_mailing_resumes_without_telling_anyone_twice(monkeypatch):
    breach, customers = _breach_with_customers(10)
    job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    real_checkpoint = breach_mailing.job_checkpoint
    calls = itertools.count(1)

    def dies_in_the_second_chunk(*args, **kwargs):
        if next(calls) == 2:
            raise SystemExit("worker killed")  # after the chunk's messages were queued, before commit
        return real_checkpoint(*args, **kwargs)

    monkeypatch.setattr(breach_mailing, "job_checkpoint", dies_in_the_second_chunk)
    with pytest.raises(SystemExit):
        services.breach_customers_notify_run(job_id=job.pk, chunk_size=4)
    job.refresh_from_db()
    assert (job.status, job.cursor, job.rows_done) == (JobStatus.RUNNING, 4, 4)
    assert len(_told(breach)) == 4  # the second chunk rolled back with its cursor

    monkeypatch.setattr(breach_mailing, "job_checkpoint", real_checkpoint)
    # A live worker still holds it: nothing to do until its heartbeat is stale.
    assert services.breach_customers_notify_run(job_id=job.pk, chunk_size=4) is None
    later = timezone.now() + STALE_AFTER + timedelta(seconds=1)
    resumed = services.breach_customers_notify_run(job_id=job.pk, chunk_size=4, now=later)
    assert resumed.status == JobStatus.DONE and resumed.rows_done == 10
    assert _told(breach) == sorted(str(c.pk) for c in customers)  # each once

    # Even a cursor lost altogether tells nobody twice: the notifier's dedupe keys guard.
    services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    assert _told(breach) == sorted(str(c.pk) for c in customers)


def test_the_mailing_can_be_cancelled_between_chunks(monkeypatch):
    breach, _customers = _breach_with_customers(10)
    job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    clock = itertools.chain([0.0, 0.0], itertools.repeat(5.0))
    monkeypatch.setattr(breach_mailing.time_module, "monotonic", lambda: next(clock))
    slice_one = services.breach_customers_notify_run(job_id=job.pk, chunk_size=4, budget_seconds=1)
    assert slice_one.status == JobStatus.RUNNING and slice_one.rows_done == 4  # handed over after a chunk
    assert job_cancel(actor=DPO, job_id=job.pk).status == JobStatus.CANCELLING
    ended = services.breach_customers_notify_run(job_id=job.pk, chunk_size=4)
    assert ended.status == JobStatus.CANCELLED
    assert len(_told(breach)) == 4
    breach.refresh_from_db()
    assert breach.customers_notified == 4 and breach.customers_notified_at is None
    assert not AuditEntry.objects.filter(action="regulator.breach.customers_notified").exists()


def test_a_queued_mailing_cancelled_before_a_worker_starts_tells_nobody():
    breach, _customers = _breach_with_customers(3)
    job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    assert job_cancel(actor=DPO, job_id=job.pk).status == JobStatus.CANCELLED
    assert services.breach_customers_notify_run(job_id=job.pk) is None
    assert _told(breach) == []


def test_the_page_starts_the_job_and_shows_its_progress(client, dpo, django_capture_on_commit_callbacks):
    breach, _customers = _breach_with_customers(3)
    client.force_login(dpo)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("regulator:breach_customers", args=[breach.pk]), {"confirmed": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("regulator:breach_mailing", args=[breach.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="mailing-progress"' in html and 'data-testid="mailing-cancel"' in html
    assert reverse("regulator:breach_mailing_progress", args=[breach.pk]) in html
    progress = client.get(reverse("regulator:breach_mailing_progress", args=[breach.pk])).json()
    assert (progress["status"], progress["percent"], progress["finished"]) == ("queued", 0, False)

    breach.refresh_from_db()
    services.breach_customers_notify_run(job_id=breach.customers_job_id)
    progress = client.get(reverse("regulator:breach_mailing_progress", args=[breach.pk])).json()
    assert (progress["status"], progress["percent"], progress["rows_done"]) == ("done", 100, 3)
    assert "3 of 3 customers told so far." == progress["summary"]
    detail = client.get(reverse("regulator:breach_detail", args=[breach.pk])).content.decode()
    assert 'data-testid="mailing-link"' in detail


def test_the_page_cancels_the_job(client, dpo):
    breach, _customers = _breach_with_customers(2)
    job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    client.force_login(dpo)
    response = client.post(reverse("regulator:breach_mailing_cancel", args=[breach.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_the_mailing_page_is_404_without_a_mailing_and_403_for_officers(client, dpo, officer):
    breach, _customers = _breach_with_customers(1)
    client.force_login(dpo)
    assert client.get(reverse("regulator:breach_mailing", args=[breach.pk])).status_code == 404
    client.force_login(officer)
    assert client.post(reverse("regulator:breach_customers", args=[breach.pk])).status_code == 403


def test_the_api_answers_202_with_the_job_to_poll(as_user, dpo, django_capture_on_commit_callbacks):
    breach, _customers = _breach_with_customers(3)
    client = as_user(dpo)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/api/v1/breaches/{breach.pk}/notify-customers/")
    assert response.status_code == 202
    body = response.json()
    assert response["Location"] == body["job"] and body["status"] == "queued"
    assert _told(breach) == []
    services.breach_customers_notify_run(job_id=body["id"])
    polled = client.get(body["job"]).json()
    assert (polled["status"], polled["rows_done"], polled["percent"]) == ("done", 3, 100)

    waited = client.post(f"/api/v1/breaches/{breach.pk}/notify-customers/?wait=true")
    assert waited.status_code == 200 and waited.json()["customers_notified"] == 3
    assert len(_told(breach)) == 3


def test_e_mailing_the_customers_asks_first_saying_how_many_and_what_they_read(client, dpo):
    """UX review: one click e-mailed every affected customer, with no count and no preview."""
    breach, _customers = _breach_with_customers(3)
    client.force_login(dpo)
    with translation.override("en"):
        asked = client.post(reverse("regulator:breach_customers", args=[breach.pk]))
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "3 customers affected by breach" in page
    assert f"a security incident affecting your data ({breach.reference})" in page
    assert 'name="confirmed" value="1"' in page
    assert not BackgroundJob.objects.exists() and _told(breach) == []


def test_closing_a_breach_asks_first(client, dpo):
    breach, _customers = _breach_with_customers(0)
    type(breach).objects.filter(pk=breach.pk).update(status="notified", notified_at=timezone.now())
    services.breach_customers_not_notify(actor=DPO, breach_id=breach.pk, reason="No customer affected.")
    client.force_login(dpo)
    url = reverse("regulator:breach_close", args=[breach.pk])
    asked = client.post(url)
    assert asked.status_code == 200 and 'data-testid="confirm-close"' in asked.content.decode()
    breach.refresh_from_db()
    assert breach.status == "notified"
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    breach.refresh_from_db()
    assert breach.status == "closed"


def test_a_customer_leaving_the_affected_list_mid_mailing_makes_nobody_else_missed(monkeypatch):
    """The mailing walks the customers by id from the last one told, not by position: one told in an
    earlier chunk who leaves the list (a consent voided as recorded in error, a record removed) must not
    shift the next chunk past a customer never told."""
    breach, customers = _breach_with_customers(10)
    job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    clock = itertools.chain([0.0, 0.0], itertools.repeat(5.0))
    monkeypatch.setattr(breach_mailing.time_module, "monotonic", lambda: next(clock))
    services.breach_customers_notify_run(job_id=job.pk, chunk_size=4, budget_seconds=1)
    first_told = min(customers, key=lambda customer: customer.pk)
    assert str(first_told.pk) in _told(breach)
    DataSubject.objects.filter(pk=first_told.pk).delete()
    monkeypatch.undo()

    done = services.breach_customers_notify_run(job_id=job.pk, chunk_size=4)

    assert done.status == JobStatus.DONE
    assert _told(breach) == sorted(str(c.pk) for c in customers)  # every one of them, each once
    breach.refresh_from_db()
    assert breach.customers_notified == 10


def test_the_preview_ends_as_the_e_mail_does_saying_its_dates_are_vietnam_time(client, dpo):
    """Re-read: the e-mail to an affected customer now ends saying its dates are Vietnam time, but the page
    that shows the DPO "the message they get" left that sentence out: the preview and the e-mail share one
    rendering of the body."""
    breach, _customers = _breach_with_customers(1)
    client.force_login(dpo)
    with translation.override("en"):
        page = client.post(reverse("regulator:breach_customers", args=[breach.pk])).content.decode()
        sentence = str(VIETNAM_TIME)
    assert sentence in page
