"""The proof bundle answers an inspector's "prove this customer's consent history and rights requests"
in one document (`regulator.proof_bundle`): each section on a known history, local times, the stop
duties on time and late, both clocks of each request met, missed or still running, the audit entries
with what their verification checked, and the SHA-256 line."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.hashing import canonical_json
from audit.models import AuditEntry
from audit.selectors import chain as audit_selectors
from audit.services import audit_checkpoint_write
from audit.tasks import verify_chain
from consents.models import ConsentEvent
from core.actors import Actor
from regulator.proof_bundle import bundle_sha256, proof_bundle
from regulator.proof_bundle.common import Period
from tests.audit.tampering import guards_lifted, reseal_with_the_key
from tests.regulator.proof_history import NOW, VN, at, build_history

pytestmark = pytest.mark.django_db

DPO = Actor(kind="staff", user_id=None, label="dpo_t")


@pytest.fixture
def history():
    return build_history()


def _bundle(history, **kwargs) -> dict:
    kwargs.setdefault("now", NOW)
    return proof_bundle(history.subject, generated_by=DPO, role="dpo", **kwargs)


def _local(moment: datetime) -> str:
    return moment.astimezone(VN).isoformat()


def test_the_header_names_the_customer_who_generated_it_when_and_the_period(history):
    header = _bundle(history)["header"]
    assert header["customer"] == {
        "id": str(history.subject.pk),
        "cif": history.subject.external_ref,
        "name": "Trần Thị Kiểm Tra",
    }
    assert header["generated_by"] == {"label": "dpo_t", "role": "dpo"}
    assert header["generated_at"] == "2026-03-25T12:00:00+07:00"
    assert header["time_zone"] == "Asia/Ho_Chi_Minh"
    assert header["period"] == {"from": None, "to": None, "to_excluded": False, "all_history": True}
    assert "platform_version" in header


def test_each_purpose_lists_its_consent_events_in_time_order_with_their_proof(history):
    purposes = {p["purpose"]["code"]: p for p in _bundle(history)["consents"]}
    sharing = purposes["sharing"]
    assert sharing["purpose"]["name"] == {"vi": "Mục đích sharing", "en": "Purpose sharing"}
    events = sharing["events"]
    assert [(e["type"], e["at"], e["reconsent"]) for e in events] == [
        ("granted", "2026-03-02T10:00:00+07:00", False),
        ("withdrawn", "2026-03-05T14:30:00+07:00", False),
        ("granted", "2026-03-20T09:00:00+07:00", True),
    ]
    grant = events[0]
    assert grant["consent_id"] == str(history.first.pk)
    assert grant["channel"] == "mobile_app"
    assert grant["recorded_by"] == "mobile_app_t"
    assert grant["evidence"] == "APP-7781"
    assert grant["session"] == "sess-42" and grant["device"] == "iPhone 15 / app 7.2"
    assert grant["notice"] == {
        "version": "v1",
        "text_sha256": history.first.snapshot["notice"]["text_sha256"],
    }
    assert grant["guardian"] is None and grant["child_agreement"] is None
    assert events[1]["channel"] == "branch"
    # The withdrawal was not collected on the app: the grant's proof is not repeated beside it.
    assert (events[1]["evidence"], events[1]["session"], events[1]["device"]) == (None, None, None)
    assert events[2]["evidence"] == "FORM-0099" and events[2]["consent_id"] == str(history.second.pk)
    # A refusal recorded on a form is proof too.
    refused = purposes["survey"]["events"]
    assert [(e["type"], e["at"], e["evidence"]) for e in refused] == [
        ("refused", "2026-03-04T11:00:00+07:00", "FORM-0042")
    ]


def test_a_withdrawal_recorded_with_its_own_evidence_shows_it(history):
    """A staff withdrawal may name its own proof (a call recording): the bundle gives it, not the grant's."""
    ConsentEvent.objects.filter(consent=history.first, kind="withdrawn").update(evidence="CALL-REC-77")

    sharing = next(p for p in _bundle(history)["consents"] if p["purpose"]["code"] == "sharing")

    assert [(e["type"], e["evidence"]) for e in sharing["events"][:2]] == [
        ("granted", "APP-7781"), ("withdrawn", "CALL-REC-77")
    ]


def test_each_event_carries_its_receipt_id_and_the_sha256_of_the_receipt_served(history, dpo, as_user):
    client = as_user(dpo)
    events = [e for p in _bundle(history)["consents"] for e in p["events"]]
    assert len(events) == 4
    for event in events:
        served = client.get(
            f"/api/v1/consents/{event['consent_id']}/receipt/?event={event['receipt']['id']}",
            HTTP_ACCEPT_LANGUAGE="vi",
        )
        assert served.status_code == 200
        assert served.json()["receipt_id"] == event["receipt"]["id"]
        assert event["receipt"]["sha256"] == hashlib.sha256(canonical_json(served.json())).hexdigest()
    assert len({e["receipt"]["sha256"] for e in events}) == 4


def test_a_withdrawal_shows_each_recipients_stop_duty_on_time_or_late(history):
    withdrawal = next(
        e for p in _bundle(history)["consents"] for e in p["events"] if e["type"] == "withdrawn"
    )
    stops = {s["recipient"]: s for s in withdrawal["recipient_stops"]}
    assert stops["Bảo hiểm An Tâm"] == {
        "recipient": "Bảo hiểm An Tâm",
        "due_at": "2026-03-08T14:30:00+07:00",
        "confirmed_at": "2026-03-05T20:00:00+07:00",
        "confirmed_by": "officer_t",
        "result": "on_time",
        "told_at": None,
        "notice": "none",
        "learnt": "by_hand",
        "confirmed_through": "staff",
        "confirmation_note": "Thư xác nhận",
        "confirmation_reference": None,
    }
    assert stops["Chứng khoán Bình Minh"]["confirmed_at"] == "2026-03-09T08:00:00+07:00"
    assert stops["Chứng khoán Bình Minh"]["result"] == "late"
    # Grants have no stops to show.
    grants = [e for p in _bundle(history)["consents"] for e in p["events"] if e["type"] == "granted"]
    assert all(e["recipient_stops"] == [] for e in grants)


def test_an_open_stop_duty_past_its_due_time_is_overdue(history):
    from consents import services
    from tests.consents.factories import STAFF

    services.consent_withdraw(actor=STAFF, consent_id=history.second.pk, channel="branch", now=at(21, 9))
    withdrawal = [e for p in _bundle(history)["consents"] for e in p["events"] if e["type"] == "withdrawn"][
        -1
    ]
    assert {s["result"] for s in withdrawal["recipient_stops"]} == {"overdue"}
    assert all(s["confirmed_at"] is None for s in withdrawal["recipient_stops"])
    # Before the due time it is only open.
    early = proof_bundle(history.subject, generated_by=DPO, role="dpo", now=at(22, 9))
    withdrawal = [e for p in early["consents"] for e in p["events"] if e["type"] == "withdrawn"][-1]
    assert {s["result"] for s in withdrawal["recipient_stops"]} == {"open"}


def test_a_child_consent_shows_the_guardian_and_the_childs_own_agreement(history):
    from tests.consents.factories import child_of, grant, make_purpose
    from tests.regulator.proof_history import EFFECTIVE

    child = child_of(history.subject, age=10)
    grant(
        child,
        make_purpose("savings-tips", effective_at=EFFECTIVE),
        guardian=history.subject,
        child_agreed=True,
        child_evidence="Phiếu có chữ ký của bé",
        now=at(10, 9),
    )
    event = proof_bundle(child, generated_by=DPO, role="dpo", now=NOW)["consents"][0]["events"][0]
    assert event["guardian"] == history.subject.external_ref
    assert event["child_agreement"] == {"agreed": True, "evidence": "Phiếu có chữ ký của bé"}


def test_a_withdrawal_staff_recorded_for_a_child_is_not_by_the_guardian(history):
    """The guardian gave the answer; staff recorded the withdrawal: the bundle names the guardian on the
    grant alone, as the staff timeline does (`consent_timeline`)."""
    from consents import services
    from tests.consents.factories import STAFF, child_of, grant, make_purpose
    from tests.regulator.proof_history import EFFECTIVE

    child = child_of(history.subject, age=10)
    consent = grant(child, make_purpose("savings-tips", effective_at=EFFECTIVE), guardian=history.subject,
                    child_agreed=True, child_evidence="Phiếu", now=at(10, 9))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="call_centre", now=at(11, 9))

    events = proof_bundle(child, generated_by=DPO, role="dpo", now=NOW)["consents"][0]["events"]

    assert [(e["type"], e["guardian"]) for e in events] == [
        ("granted", history.subject.external_ref), ("withdrawn", None)
    ]


def _request(bundle, request) -> dict:
    return next(r for r in bundle["requests"] if r["id"] == str(request.pk))


def test_a_request_answered_in_time_met_both_clocks(history):
    answered = _request(_bundle(history), history.answered)
    assert answered["type"] == "access"
    assert answered["reference"] == history.answered.reference
    assert answered["received_at"] == "2026-03-09T09:00:00+07:00"
    assert answered["identity_verified_at"] == "2026-03-09T09:00:00+07:00"
    assert answered["acknowledged_at"] == "2026-03-09T09:00:00+07:00"
    assert answered["bank_clock"] == {"due_at": "2026-03-12T09:00:00+07:00", "result": "met"}
    assert answered["statutory_clock"] == {
        "due_at": _local(history.answered.statutory_due_at),
        "regime": history.answered.statutory_regime,
        "result": "met",
    }
    assert answered["closed_at"] == "2026-03-10T15:00:00+07:00"
    assert answered["outcome"] == {"status": "completed", "reason": "", "note": ""}


def test_a_request_refused_late_missed_the_banks_clock_and_states_its_legal_reason(history):
    refused = _request(_bundle(history), history.refused)
    assert refused["bank_clock"]["result"] == "missed"
    assert refused["statutory_clock"]["result"] == "met"
    assert refused["acknowledgement"] == {
        "due_at": _local(history.refused.acknowledge_by),
        "result": "missed",
    }
    assert refused["outcome"] == {
        "status": "rejected",
        "reason": "manifestly_unfounded",
        "note": "Yêu cầu lặp lại",
    }
    assert refused["overdue_reason"] == "Chờ ý kiến pháp chế"
    moves = [(c["from"], c["to"], c["at"], c["by"], c["reason"]) for c in refused["status_changes"]]
    assert moves[-1] == (
        "received",
        "rejected",
        "2026-03-13T13:00:00+07:00",
        "officer_t",
        "manifestly_unfounded",
    )


def test_an_extended_and_paused_request_shows_its_clock_events_and_running_clocks(history):
    paused = _request(_bundle(history), history.paused)
    assert paused["status"] == "awaiting_customer"
    assert paused["bank_clock"]["result"] == "paused"
    assert paused["statutory_clock"]["result"] == "pending"
    assert paused["extended_at"] == "2026-03-09T11:00:00+07:00"
    kinds = [(c["kind"], c["at"]) for c in paused["clock_events"]]
    assert ("extended", "2026-03-09T11:00:00+07:00") in kinds
    assert ("paused", "2026-03-09T12:00:00+07:00") in kinds
    extended = next(c for c in paused["clock_events"] if c["kind"] == "extended")
    assert extended["statutory_due_at"] == _local(history.paused.statutory_due_at)
    assert [c["to"] for c in paused["status_changes"]] == [
        "received",
        "verifying_identity",
        "in_progress",
        "awaiting_customer",
    ]
    # Past the law's date while still open, the statutory clock is missed.
    late = proof_bundle(history.subject, generated_by=DPO, role="dpo", now=datetime(2026, 4, 2, tzinfo=VN))
    assert _request(late, history.paused)["statutory_clock"]["result"] == "missed"


def test_third_party_authorisations_with_their_moves_scopes_and_access_reports(history):
    (authorisation,) = _bundle(history)["authorisations"]
    assert authorisation["id"] == str(history.authorisation.pk)
    assert authorisation["third_party"] == "Công ty Kế toán Số"
    assert authorisation["scopes"] == ["accounts:read"]
    assert authorisation["status"] == "revoked"
    assert [(e["kind"], e["at"]) for e in authorisation["events"]] == [
        ("granted", "2026-03-03T08:00:00+07:00"),
        ("paused", "2026-03-06T08:00:00+07:00"),
        ("revoked", "2026-03-07T08:00:00+07:00"),
    ]
    assert authorisation["accesses"] == [
        {
            "at": "2026-03-04T08:00:00+07:00",
            "scope": "accounts:read",
            "records": 3,
            "awaiting_report": False,
            "reported_by": "api-gateway",
        },
    ]


def test_the_audit_entries_of_the_customer_and_their_verification(history):
    audit = _bundle(history)["audit"]
    stored = list(AuditEntry.objects.filter(subject_id=history.subject.pk).order_by("sequence"))
    assert [e["sequence"] for e in audit["entries"]] == [e.sequence for e in stored]
    withdrawn = next(e for e in audit["entries"] if e["action"] == "consents.consent.withdrawn")
    assert withdrawn["at"] == "2026-03-05T14:30:00+07:00"
    assert withdrawn["actor"] == "officer_t"
    assert all(e["check"] == "ok" for e in audit["entries"])
    verification = audit["verification"]
    assert verification["valid"] is True
    assert verification["entries_checked"] == len(stored)
    assert verification["problems"] == []
    assert "seal" in verification["checked"] and "prev_hash" in verification["checked"]


def test_the_bundle_gives_the_latest_whole_chain_verification_on_record(history, monkeypatch):
    """What the nightly and weekly jobs recorded, read from the trail: the bundle itself never walks
    the whole chain."""
    def no_walk(**kwargs):
        raise AssertionError("the bundle must not verify the whole chain")

    def chain_verification() -> dict:
        with monkeypatch.context() as patched:
            patched.setattr(audit_selectors, "audit_chain_verify", no_walk)
            patched.setattr(audit_selectors, "_verified", no_walk)
            return _bundle(history, now=timezone.now())["audit"]["full_chain_verification"]

    assert chain_verification() == {"on_record": False}
    audit_checkpoint_write()
    verify_chain()  # the nightly job reads only from the last checkpoint on: not the whole chain
    assert chain_verification() == {"on_record": False}

    verify_chain(full=True)
    weekly = AuditEntry.objects.filter(action="audit.chain.verified").order_by("-sequence").first()
    assert chain_verification() == {
        "on_record": True,
        "at": _local(weekly.recorded_at),
        "result": "intact",
        "entries_checked": weekly.sequence - 1,
        "up_to_sequence": weekly.sequence - 1,
        "reason": None,
        "audit_entry": weekly.sequence,
        "from_sequence": 1,
        "earlier_entries_archived": False,
        "archive_recorded_after_the_fact": False,
    }
    assert chain_verification()["at"].endswith("+07:00")

    altered = AuditEntry.objects.filter(subject_id=history.subject.pk).order_by("sequence").first()
    reseal_with_the_key(altered)
    verify_chain(full=True)
    broken = chain_verification()
    assert broken["result"] == "broken" and f"#{altered.sequence + 1}" in broken["reason"]
    assert broken["audit_entry"] == AuditEntry.objects.get(action="audit.chain.broken").sequence
    # A bundle built for a moment before that verification cites the one before it.
    assert _bundle(history, now=weekly.recorded_at)["audit"]["full_chain_verification"]["result"] == "intact"


def test_an_altered_entry_fails_its_verification_and_is_named(history):
    entry = AuditEntry.objects.filter(
        subject_id=history.subject.pk, action="consents.consent.granted"
    ).first()
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["someone else", entry.pk]
        )
    audit = _bundle(history)["audit"]
    assert audit["verification"]["valid"] is False
    assert audit["verification"]["problems"] == [{"sequence": entry.sequence, "problem": "altered"}]
    assert next(e for e in audit["entries"] if e["sequence"] == entry.sequence)["check"] == "altered"


def test_a_removed_neighbour_breaks_the_link_of_the_customers_entry(history):
    stored = list(AuditEntry.objects.filter(subject_id=history.subject.pk).order_by("sequence"))
    following = AuditEntry.objects.filter(sequence=stored[-1].sequence + 1).first()
    if following is None:  # make sure another customer's entry follows the customer's last one
        from tests.factories import make_subject

        make_subject()
        following = AuditEntry.objects.get(sequence=stored[-1].sequence + 1)
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET prev_hash = %s WHERE id = %s", ["0" * 64, following.pk])
    problems = _bundle(history)["audit"]["verification"]["problems"]
    assert {"sequence": stored[-1].sequence, "problem": "the next entry does not link to it"} in problems


def test_a_period_keeps_only_what_happened_in_it(history):
    bundle = _bundle(history, period=Period(at(5, 0), at(8, 23, 59)))
    assert bundle["header"]["period"] == {
        "from": "2026-03-05T00:00:00+07:00",
        "to": "2026-03-08T23:59:00+07:00",
        "to_excluded": False,
        "all_history": False,
    }
    events = [(p["purpose"]["code"], e["type"]) for p in bundle["consents"] for e in p["events"]]
    assert events == [("sharing", "withdrawn")]
    assert bundle["requests"] == []  # received on the 9th
    (authorisation,) = bundle["authorisations"]
    assert [e["kind"] for e in authorisation["events"]] == ["paused", "revoked"]
    assert authorisation["accesses"] == []
    assert {e["action"] for e in bundle["audit"]["entries"]} == {
        "consents.consent.withdrawn",
        "consents.duty.opened",
        "consents.duty.acknowledged",
        "authorisations.authorisation.paused",
        "authorisations.authorisation.revoked",
    }


def test_the_closing_sha256_is_the_hash_of_the_bundles_canonical_json(history):
    bundle = _bundle(history)
    content = {k: v for k, v in bundle.items() if k != "sha256"}
    expected = hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert bundle["sha256"] == expected == bundle_sha256(bundle)
    # The document is plain JSON already: it survives a round trip unchanged, so the hash can be redone.
    assert json.loads(json.dumps(bundle)) == bundle
    assert bundle_sha256(json.loads(json.dumps(bundle, indent=2))) == bundle["sha256"]


def test_the_build_is_the_same_whatever_the_readers_language(history):
    from django.utils import translation

    with translation.override("vi"):
        vi = _bundle(history)
    with translation.override("en"):
        en = _bundle(history)
    assert vi == en


def test_many_events_cost_no_more_queries_than_few(history, django_assert_max_num_queries):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    from authorisations import services as authorisation_services
    from tests.dsr.factories import make_request
    from tests.regulator.proof_history import GATEWAY

    with CaptureQueriesContext(conn) as few:
        _bundle(history)
    more = history.subject
    from consents import services
    from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
    from tests.regulator.proof_history import EFFECTIVE

    partner = make_recipient("Đối tác thêm")
    for i in range(6):
        purpose = make_purpose(f"extra-{i}", category="sharing", recipients=[partner], effective_at=EFFECTIVE)
        consent = grant(more, purpose, now=at(10, 9) + timedelta(minutes=i))
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", now=at(11, 9))
        make_request(more, type="access", now=at(12, 9) + timedelta(minutes=i))
        authorisation_services.access_record(
            actor=GATEWAY,
            authorisation_id=history.authorisation.pk,
            scope="accounts:read",
            accessed_at=at(4, 10 + i),
            record_count=1,
            now=at(5, 9),
        )
    with django_assert_max_num_queries(len(few)):
        bundle = _bundle(history)
    assert len(bundle["consents"]) == 8 and len(bundle["requests"]) == 9
