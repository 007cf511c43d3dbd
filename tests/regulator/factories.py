"""Known data for the regulator tests: an inventory, a small catalogue with processing activities,
customers with consents, and a breach recorded through the real services."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from consents.models import Purpose
from core.actors import Actor
from dsr.models import DataCategory, System
from integrations.jobs import job_cancel
from integrations.states import JobStatus
from regulator import services
from regulator.services import breach_mailing
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose, make_recipient, publish_notice
from tests.dsr.factories import make_aml_rule
from tests.factories import make_subject

DPO = Actor(kind="staff", user_id=None, label="dpo_t")
# Monday 9 March 2026, 09:00 in Hà Nội: under Law 91, no holiday in the following weeks.
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def make_inventory() -> dict[str, System]:
    aml = make_aml_rule()
    cats = {
        "identity": DataCategory.objects.create(
            code="identity", name_vi="Identity", sensitive=True, retention=aml
        ),
        "contact": DataCategory.objects.create(code="contact", name_vi="Contact details"),
        "accounts": DataCategory.objects.create(
            code="accounts", name_vi="Accounts", sensitive=True, retention=aml
        ),
        "transactions": DataCategory.objects.create(
            code="transactions", name_vi="Transactions", sensitive=True, retention=aml
        ),
        "marketing": DataCategory.objects.create(code="marketing", name_vi="Marketing profile"),
    }
    core = System.objects.create(code="core_banking", name_vi="Core banking")
    core.categories.set([cats["identity"], cats["contact"], cats["accounts"], cats["transactions"]])
    crm = System.objects.create(code="crm", name_vi="CRM", is_processor=True)
    crm.categories.set([cats["contact"], cats["marketing"]])
    return {"core_banking": core, "crm": crm}


def make_catalogue(*, now: datetime = MONDAY) -> dict[str, Purpose]:
    """banking (contract, core banking), marketing (consent, CRM), transfer (consent, to Japan)."""
    head_office = make_recipient("Head office Tokyo", kind="foreign_head_office")
    head_office.country = "JP"
    head_office.save(update_fields=["country"])
    purposes = {
        "banking": make_purpose("banking", legal_basis="contract", effective_at=now - timedelta(days=90)),
        "marketing": make_purpose("marketing", category="marketing", effective_at=now - timedelta(days=90)),
        "transfer": make_purpose(
            "transfer",
            category="cross_border",
            cross_border=True,
            destination_country="JP",
            recipients=[head_office],
            effective_at=now - timedelta(days=90),
        ),
    }
    # Where each purpose's data lives: (purpose, systems, categories, days running, security measures).
    activities = [
        ("banking", ["core_banking"], ["identity", "accounts", "transactions"], 90, "AES at rest; RBAC"),
        ("marketing", ["crm"], ["contact", "marketing"], 10, ""),
        ("transfer", ["core_banking"], ["identity", "accounts"], 70, ""),
    ]
    for code, systems, categories, days, measures in activities:
        services.activity_save(
            actor=DPO, purpose_code=code, systems=systems, categories=categories, security_measures=measures,
            started_at=now - timedelta(days=days), now=now,
        )
    return purposes


def add_purposes_abroad(
    count: int, *, now: datetime, systems: list[str], categories: list[str], security_measures: str = ""
) -> None:
    """`count` more purposes (extra-0, extra-1, ...), each with a notice, a recipient in Singapore and
    a processing activity in `systems` over `categories`, all five days old."""
    for index in range(count):
        recipient = make_recipient(f"Extra partner {index}")
        recipient.country = "SG"
        recipient.save(update_fields=["country"])
        code = f"extra-{index}"
        make_purpose(code, recipients=[recipient], effective_at=now - timedelta(days=5))
        services.activity_save(
            actor=DPO, purpose_code=code, systems=systems, categories=categories,
            security_measures=security_measures, started_at=now - timedelta(days=5), now=now,
        )


def make_breach(
    *,
    detected_at: datetime = MONDAY,
    systems=("core_banking",),
    categories=("accounts",),
    now: datetime | None = None,
    **fields,
):
    defaults = {
        "title": "Misdirected statement export",
        "description": "A statement batch was sent to a wrong SFTP folder.",
        "occurred_at": detected_at - timedelta(hours=5),
        "subjects_affected": 120,
        "records_affected": 480,
        "measures_taken": "Folder closed, files deleted, access keys rotated.",
        "likely_consequences": "Account numbers and balances seen by a contractor.",
        "customer_description": "A statement file with your account number was sent to a wrong folder.",
    }
    defaults.update(fields)
    return services.breach_record(
        actor=DPO,
        detected_at=detected_at,
        systems=list(systems),
        categories=list(categories),
        now=now or detected_at + timedelta(hours=1),
        **defaults,
    )


def make_customer(*, since: datetime = MONDAY - timedelta(days=365), **fields) -> DataSubject:
    """A customer of the bank since `since` (a year before MONDAY unless told), so a breach detected on
    MONDAY or later finds them among its customers."""
    subject = make_subject(**fields)
    DataSubject.objects.filter(pk=subject.pk).update(created_at=since)
    subject.created_at = since
    return subject


def customers_with(purpose, n: int, *, now: datetime | None = None) -> list:
    """`n` customers (of a year's standing, `make_customer`) who consented to `purpose` at `now` (the
    real time when omitted)."""
    subjects = [make_customer() for _ in range(n)]
    for subject in subjects:
        grant(subject, purpose, now=now)
    return subjects


def marketing_change_announced(customers: int):
    """The catalogue, `customers` customers consenting to marketing, and a minor new version of its
    notice taking effect in 10 days: its announcement is scheduled. Returns the announcement."""
    make_inventory()
    purposes = make_catalogue(now=timezone.now())
    customers_with(purposes["marketing"], customers)
    notice = publish_notice("marketing", "v2", effective_at=timezone.now() + timedelta(days=10), actor=DPO)
    return notice.announcement


def breach_page_body(**over) -> dict:
    """What the DPO types on the new-breach page: a phishing found an hour ago, `over` changed."""
    now = timezone.localtime()
    body = {
        "title": "Phishing of a branch mailbox",
        "description": "A branch mailbox forwarded statements outside.",
        "occurred_at": (now - timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "detected_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "systems": ["core_banking"],
        "categories": ["accounts"],
        "subjects_affected": 3,
        "records_affected": 3,
    }
    body.update(over)
    return body


def mail_again_stopped_after_one_chunk(breach, monkeypatch) -> None:
    """A later mailing of the breach that tells one chunk of two customers, runs out of its time budget and
    is then cancelled by the DPO: what a stopped mailing leaves behind."""
    again = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    clock = itertools.chain([0.0, 0.0], itertools.repeat(5.0))
    monkeypatch.setattr(breach_mailing.time_module, "monotonic", lambda: next(clock))
    services.breach_customers_notify_run(job_id=again.pk, chunk_size=2, budget_seconds=1)
    job_cancel(actor=DPO, job_id=again.pk)
    assert services.breach_customers_notify_run(job_id=again.pk, chunk_size=2).status == JobStatus.CANCELLED
