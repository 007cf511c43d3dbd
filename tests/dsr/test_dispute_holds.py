"""A dispute recorded outside a complaint (a court case, an inspection, a police request) keeps the
customer's held data: the DPO records it on the customer, the nightly release (`holds_due`, the one
selector the job and its preview read) leaves the customer's holds while it is in force, and lifting it
(with a reason) lets the next run release them. Before, only an open complaint held the release back, so
the data a court case needed was erased the night after its last day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import Conflict, InvalidInput
from deadlines.policy import LOCAL_TZ
from dsr import services
from dsr.models import DisputeHold, LegalHold
from dsr.selectors.deletions import holds_due
from tests.dsr.factories import make_inventory, verified_request
from tests.dsr.test_services_deletion_law import answer

pytestmark = pytest.mark.django_db
PREVIEW = "/portal/requests/legal-holds/"


def _today():
    return timezone.localdate(timezone.now(), LOCAL_TZ)


@pytest.fixture
def due_tonight(subject, privacy_officer, dpo):
    """The customer's holds, their last day yesterday: tonight's release erases them."""
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    answer(verified_request(subject, type="delete", actor=worker), worker, approver)
    LegalHold.objects.update(ends_on=_today() - timedelta(days=1))
    assert holds_due(today=_today()).count() == 3


def _record(dpo, subject, **changes):
    fields = {"reason": "Tòa án yêu cầu giữ chứng cứ", "reference": "123/2026/TLST-KDTM",
              "starts_on": _today() - timedelta(days=3), "ends_on": None, **changes}
    return services.dispute_hold_record(actor=actor_for_user(dpo), subject_id=subject.pk, **fields)


def test_an_open_dispute_holds_the_release_back_until_it_is_lifted(due_tonight, subject, dpo):
    dispute = _record(dpo, subject)
    assert holds_due(today=_today()).count() == 0
    assert services.legal_holds_release_due(now=timezone.now()) == 0
    assert not LegalHold.objects.filter(released_at__isnull=False).exists()

    services.dispute_hold_lift(actor=actor_for_user(dpo), dispute_id=dispute.pk, reason="Bản án có hiệu lực")
    assert services.legal_holds_release_due(now=timezone.now()) == 3
    actions = list(AuditEntry.objects.filter(action__startswith="dsr.dispute_hold.").values_list(
        "action", flat=True).order_by("pk"))
    assert actions == ["dsr.dispute_hold.recorded", "dsr.dispute_hold.lifted"]


def test_a_dispute_holds_through_its_last_day_and_not_after(due_tonight, subject, dpo):
    _record(dpo, subject, ends_on=_today())
    assert holds_due(today=_today()).count() == 0
    _record(dpo, subject, ends_on=_today() - timedelta(days=1))
    DisputeHold.objects.filter(ends_on=_today()).delete()
    assert holds_due(today=_today()).count() == 3


def test_a_dispute_from_a_later_day_does_not_hold_tonight(due_tonight, subject, dpo):
    _record(dpo, subject, starts_on=_today() + timedelta(days=2))
    assert holds_due(today=_today()).count() == 3


@pytest.mark.parametrize("changes", [
    {"reason": "  "},
    {"reference": ""},
    {"ends_on": "before"},
])
def test_a_dispute_without_its_ground_or_ending_before_it_starts_is_refused(subject, dpo, changes):
    if changes.get("ends_on") == "before":
        changes = {"ends_on": _today() - timedelta(days=4)}
    with pytest.raises(InvalidInput):
        _record(dpo, subject, **changes)
    assert not DisputeHold.objects.exists() and not AuditEntry.objects.filter(
        action="dsr.dispute_hold.recorded").exists()


def test_lifting_needs_a_reason_and_happens_once(subject, dpo):
    dispute = _record(dpo, subject)
    with pytest.raises(InvalidInput):
        services.dispute_hold_lift(actor=actor_for_user(dpo), dispute_id=dispute.pk, reason=" ")
    services.dispute_hold_lift(actor=actor_for_user(dpo), dispute_id=dispute.pk, reason="Xong")
    with pytest.raises(Conflict):
        services.dispute_hold_lift(actor=actor_for_user(dpo), dispute_id=dispute.pk, reason="Lần hai")
    assert AuditEntry.objects.filter(action="dsr.dispute_hold.lifted").count() == 1


def test_the_preview_says_which_holds_a_dispute_keeps(due_tonight, subject, dpo, client):
    _record(dpo, subject)
    client.force_login(dpo)
    text = client.get(f"/en{PREVIEW}").content.decode()
    assert text.count('data-testid="hold-held-by-dispute"') == 3
    assert "At the next run (01:30)" not in text


def test_the_dpo_records_and_lifts_on_the_customer_page(subject, dpo, client):
    client.force_login(dpo)
    page = f"/portal/customers/{subject.pk}/"
    answer_ = client.post(f"{page}dispute-holds/", {
        "reason": "Thanh tra", "reference": "TT-01", "starts_on": _today().isoformat(), "ends_on": "",
    })
    assert answer_.status_code == 302
    dispute = DisputeHold.objects.get()
    text = client.get(page).content.decode()
    assert 'data-testid="dispute-hold"' in text and "TT-01" in text
    client.post(f"{page}dispute-holds/{dispute.pk}/lift/", {"reason": "Kết thúc thanh tra"})
    dispute.refresh_from_db()
    assert dispute.lifted_at is not None and dispute.lift_reason == "Kết thúc thanh tra"


def test_a_bad_date_is_said_and_nothing_is_written(subject, dpo, client):
    client.force_login(dpo)
    answer_ = client.post(f"/portal/customers/{subject.pk}/dispute-holds/", {
        "reason": "Thanh tra", "reference": "TT-01", "starts_on": "31/13/2026", "ends_on": "",
    })
    assert answer_.status_code in (200, 302, 400)
    assert not DisputeHold.objects.exists()


def test_only_the_dpo_records_privacy_officers_and_the_auditor_read(subject, dpo, privacy_officer, auditor,
                                                                    client):
    """The auditor has no customer page: they read the holds in force on the preview."""
    dispute = _record(dpo, subject)
    form = {"reason": "x", "reference": "y", "starts_on": _today().isoformat(), "ends_on": ""}
    for reader in (privacy_officer, auditor):
        client.force_login(reader)
        assert client.post(f"/portal/customers/{subject.pk}/dispute-holds/", form).status_code == 403
        assert client.post(f"/portal/customers/{subject.pk}/dispute-holds/{dispute.pk}/lift/",
                           {"reason": "z"}).status_code == 403
    client.force_login(privacy_officer)
    text = client.get(f"/portal/customers/{subject.pk}/").content.decode()
    assert 'data-testid="dispute-hold"' in text and 'data-testid="dispute-hold-form"' not in text
    client.force_login(auditor)
    assert 'data-testid="dispute-in-force"' in client.get(PREVIEW).content.decode()
    assert DisputeHold.objects.count() == 1 and DisputeHold.objects.get().lifted_at is None
