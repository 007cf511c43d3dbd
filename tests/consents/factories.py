"""Factories for the consents tests; purposes and consents are made through the real services."""

from __future__ import annotations

import io
import itertools
from datetime import date, datetime, timedelta

from django.utils import timezone

from consents import services
from consents.models import (
    WITNESSED_CHANNELS,
    Consent,
    NoticeAnnouncement,
    Purpose,
    Recipient,
    WithdrawalDuty,
)
from consents.services.announcements import announcement_send
from core.actors import Actor
from integrations.models import WebhookEndpoint
from subjects import services as subject_services
from tests.factories import UserFactory, make_customer, make_subject

SYSTEM = Actor.system("tests")
# The day a row of an imported file says the customer consented: after make_purpose's notices took
# effect (30 days ago), so the notice it names was the current one then.
IMPORTED_ON = (timezone.localdate() - timedelta(days=3)).isoformat()
STAFF = Actor(kind="staff", user_id=None, label="officer_t")
# The mobile app's service token: the app and internet banking record their customers' own acts; staff
# record only what they witnessed (`consents.services.rules.channel_validate`).
APP = Actor(kind="client", user_id=None, label="mobile_app_t")
_codes = itertools.count(1)


def make_purpose(
    code: str | None = None,
    *,
    legal_basis: str = "consent",
    category: str = "service",
    sensitive: bool = False,
    recipients=None,
    version: str = "v1",
    effective_at: datetime | None = None,
    **fields,
) -> Purpose:
    code = code or f"purpose-{next(_codes)}"
    # A cross-border purpose sends the data abroad (`_check_purpose_rules`): a test that says not how
    # gets the flag, and Japan.
    if category == "cross_border" and recipients is None and "cross_border" not in fields:
        fields.update(cross_border=True, destination_country=fields.get("destination_country") or "JP")
    defaults = {
        "name_vi": f"Mục đích {code}",
        "name_en": f"Purpose {code}",
        "description_vi": "Mô tả",
        "description_en": "Description",
        "category": category,
        "legal_basis": legal_basis,
        "sensitive": sensitive,
    }
    defaults.update(fields)
    return services.purpose_create(
        actor=SYSTEM,
        code=code,
        recipients=recipients,
        notice_version=version,
        now=effective_at or timezone.now() - timedelta(days=30),
        **defaults,
    )


def make_recipient(
    name: str = "Partner Insurance",
    *,
    name_en: str = "",
    kind: str = "partner",
    client=None,
    url: str | None = None,
    secret: str = "s3cret-signing-key",
) -> Recipient:
    endpoint = None
    if client is not None and url:
        endpoint = WebhookEndpoint.objects.create(client=client, name=f"{name} hook", url=url, secret=secret)
    return services.recipient_create(
        actor=SYSTEM, name=name, name_en=name_en, kind=kind, client=client, endpoint=endpoint
    )


def recorder(channel: str) -> Actor:
    """Who records an act through `channel` when a test names no one: staff at the bank's own channels,
    the app's service token at the customer's."""
    return STAFF if channel in WITNESSED_CHANNELS else APP


def grant(
    subject=None, purpose=None, *, actor: Actor | None = None, now: datetime | None = None, **fields
) -> Consent:
    subject = subject or make_subject()
    purpose = purpose or make_purpose()
    version = fields.pop("notice_version", None) or purpose.notices.order_by("-effective_at").first().version
    request = services.GrantRequest(
        subject=subject,
        purpose=purpose,
        notice_version=version,
        channel=fields.pop("channel", "branch"),
        evidence=fields.pop("evidence", "form-0001"),
        **fields,
    )
    return services.consent_grant(actor=actor or recorder(request.channel), request=request, now=now)


def consent_form_body(answers: dict[str, str], *, channel: str, evidence: str, version: str = "v1") -> dict:
    """What the staff consent form posts: each purpose's answer ("yes", "no") with the version shown."""
    body = {"channel": channel, "evidence": evidence, "answered_by": "customer", "notice_given": "read_out"}
    for code, answer in answers.items():
        body |= {f"answer_{code}": answer, f"version_{code}": version}
    return body


def consents_in_bulk(purpose: Purpose, rows: list[dict]) -> list[Consent]:
    """One consent to `purpose` per row (the fields that vary: `subject`, `granted_at`, `status`...),
    written straight to the table, no service, event or audit: the many rows a test of an index needs
    around the few it looks at."""
    notice = purpose.notices.order_by("-effective_at").first()
    return Consent.objects.bulk_create(
        Consent(purpose=purpose, notice=notice, channel="branch", recorded_by_kind="system",
                recorded_by_label="tests", **row)
        for row in rows
    )


def publish_notice(
    code: str,
    version: str,
    *,
    effective_at: datetime,
    material: bool = False,
    now: datetime | None = None,
    text_vi: str = "Nội dung mới",
    text_en: str = "New text",
    actor: Actor = SYSTEM,
):
    """A new notice version of the purpose, published through the service."""
    return services.notice_publish(
        actor=actor, code=code, version=version, text_vi=text_vi, text_en=text_en,
        effective_at=effective_at, material=material, now=now,
    )


def announce_on_time(code: str) -> None:
    """Send the announcements holding the purpose's material versions on their send dates, as the hourly
    job does: such a version is in force on no date until its announcement went out."""
    holding = NoticeAnnouncement.objects.filter(
        notice__purpose__code=code, notice__awaiting_announcement=True
    ).order_by("send_at")
    for announcement in holding:
        announcement_send(actor=SYSTEM, announcement_id=announcement.pk, now=announcement.send_at)


def change_announced(code: str, *, changes: dict, recipients=None) -> None:
    """A new version of the purpose taking effect in 31 days, its announcement sent on its send date."""
    services.purpose_update(
        actor=STAFF, code=code, changes=changes, recipients=recipients,
        effective_at=timezone.now() + timedelta(days=31), now=timezone.now(),
    )
    announcement = NoticeAnnouncement.objects.get(notice__purpose__code=code)
    announcement_send(actor=STAFF, announcement_id=announcement.pk, now=announcement.send_at)


def customer_told_of_a_widening_and_a_move_off_consent(username: str, capture_on_commit):
    """A customer consenting to `sharing` and `support`, told that `sharing` gains the recipient New
    Partner and that `support` moves to a contract: the customer's login."""
    before = timezone.now() - timedelta(days=60)
    insurer = make_recipient("Bảo hiểm Đối tác", name_en="Partner Insurance")
    purposes = [
        make_purpose("sharing", category="sharing", recipients=[insurer], effective_at=before),
        make_purpose("support", category="support", effective_at=before),
    ]
    subject = make_subject()
    for purpose in purposes:
        grant(subject, purpose, now=timezone.now() - timedelta(days=5))
    with capture_on_commit():
        newcomer = make_recipient("Đối tác Mới", name_en="New Partner")
        change_announced("sharing", changes={}, recipients=[insurer, newcomer])
        change_announced("support", changes={"legal_basis": "contract"})
    return make_customer(subject=subject, username=username)


def child_of(guardian, *, age: int, verified: bool = True):
    today = timezone.localdate()
    child = make_subject(
        # Ten days past the birthday (and never 29 February), so the age holds whatever day tests run.
        date_of_birth=date(today.year - age, today.month, min(today.day, 28)) - timedelta(days=10),
        guardian=guardian,
        national_id="",
        phone="",
        email="",
    )
    if verified:
        child = subject_services.subject_guardian_verify(
            actor=SYSTEM, subject_id=child.pk, evidence="birth-certificate-scan-1"
        )
    return child


IMPORT_HEADER = "subject,purpose,notice_version,channel,evidence,granted_at,sensitive_acknowledged,outcome"


def import_lines(*rows: str, header: str = IMPORT_HEADER) -> list[str]:
    """An import file's lines as the import reads them: `header`, then `rows`."""
    return io.StringIO("\n".join([header, *rows]) + "\n").readlines()


def local_day_ago(days: int) -> str:
    """The local date `days` ago as an import file writes it (ISO)."""
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def life_event_recorded(customer, field: str, *, days_ago: int = 0, reason: str = "records"):
    """Staff record the day a customer's relationship ended (`relationship_ended_on`) or they died
    (`deceased_on`), `days_ago` days back."""
    return subject_services.subject_rectify(
        actor=STAFF, subject_id=customer.pk,
        changes={field: timezone.localdate() - timedelta(days=days_ago)}, reason=reason,
    )


def purposes_for_life_events() -> dict[str, Purpose]:
    """Marketing and sharing with a partner on consent, and KYC on a legal obligation."""
    partner = make_recipient("Partner A")
    return {
        "marketing": make_purpose("marketing", category="marketing"),
        "sharing": make_purpose("sharing", category="sharing", recipients=[partner]),
        "kyc": make_purpose("kyc", legal_basis="legal_obligation", category="compliance"),
    }


def import_csv(text: str):
    """Run the synchronous consent import (`consents_import_csv`) on the CSV `text`, header line first."""
    return services.consents_import_csv(
        actor=Actor.system("tests.import"), lines=io.StringIO(text).readlines(), filename="forms.csv"
    )


def withdrawn_with_a_hooked_partner(name: str, code: str) -> WithdrawalDuty:
    """A consent to share with `name`, a recipient with its own client and webhook endpoint, withdrawn
    by staff: the recipient's duty to stop, its notice queued."""
    partner = make_recipient(name, client=UserFactory(role="integration_client"),
                             url="https://partner.example/hooks")
    consent = grant(purpose=make_purpose(code, category="sharing", recipients=[partner]))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    return WithdrawalDuty.objects.select_related("recipient__client", "recipient__endpoint").get(
        consent=consent
    )


def version_in_force_since(code: str, changes: dict, *, ago: timedelta, recipients=None) -> None:
    """The purpose's version changing `changes` (and its recipients to `recipients`, when given),
    published a month ahead and in force since `ago` (its announcement sent on time); the job giving
    the row its scope has not run."""
    now = timezone.now()
    services.purpose_update(
        actor=SYSTEM,
        code=code,
        changes=changes,
        recipients=recipients,
        effective_at=now - ago,
        now=now - timedelta(days=31),
    )
    announce_on_time(code)


def changed_a_minute_ago(code: str, changes: dict, **fields) -> Purpose:
    """A purpose whose version changing `changes` took effect a minute ago; the job has not run yet."""
    make_purpose(code, effective_at=timezone.now() - timedelta(days=90), **fields)
    version_in_force_since(code, changes, ago=timedelta(minutes=1))
    purpose = Purpose.objects.get(code=code)
    for field, value in changes.items():
        assert getattr(purpose, field) != value  # the situation under test: the row lags the version
    return purpose
