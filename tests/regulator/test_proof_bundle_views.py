"""Who may take a customer's proof bundle, with what reason, and what each download leaves behind: the
API (`GET /api/v1/subjects/{id}/proof-bundle/`, JSON or `?format=html`) and the staff page behind the
button on the customer page. JSON and the printable page carry the same facts and the same hash."""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.hashing import canonical_json
from audit.models import AuditEntry
from audit.services import audit_checkpoint_write, audit_record
from audit.tasks import verify_chain
from core.actors import Actor, ActorKind
from core.errors import InvalidInput
from regulator.proof_bundle import bundle_sha256
from regulator.services import proof_bundle_export
from subjects.selectors import MAX_ACCESS_REASON_LENGTH
from tests.audit.tampering import archive_month, month_partitions_made
from tests.factories import signed_in
from tests.pages import in_either_language
from tests.regulator.proof_history import VN, build_history

pytestmark = pytest.mark.django_db

REASON = "A05 inspection letter 123/A05-P4, 2026"
# After the known history and before any download: a bundle cut there is the same at every download.
UNTIL = "2026-03-24"
DOWNLOADED_AT = datetime(2026, 3, 25, 12, 0, tzinfo=VN)


@pytest.fixture
def history():
    return build_history()


def _api_url(subject, query: str = "") -> str:
    return f"/api/v1/subjects/{subject.pk}/proof-bundle/{query}"


def _page_url(subject) -> str:
    """The page's Vietnamese path (the tests reverse in English); "/en" + it is the English one."""
    return reverse("regulator:proof_bundle", args=[subject.pk]).removeprefix("/en")


def _exports(subject) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="regulator.proof_bundle.exported", subject_id=subject.pk))


@pytest.fixture
def frozen(monkeypatch):
    """Every clock reads the same moment, so two downloads of one period are the same document."""
    monkeypatch.setattr(timezone, "now", lambda: DOWNLOADED_AT)


# ------------------------------------------------------------------------------------------- access


def test_the_dpo_and_the_auditor_get_the_bundle_through_the_api(history, dpo, auditor, as_user):
    for user in (dpo, auditor):
        response = as_user(user).get(_api_url(history.subject), HTTP_X_ACCESS_REASON=REASON)
        assert response.status_code == 200, (user, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["header"]["customer"]["cif"] == history.subject.external_ref
        assert "no-store" in response["Cache-Control"]


def test_everyone_else_is_refused_by_the_api(history, officer, privacy_officer, client_user, as_user, api):
    # The customer themselves too: the bundle is the bank's proof, their own copy is an access request.
    for user in (officer, privacy_officer, history.user, client_user):
        response = as_user(user).get(_api_url(history.subject), HTTP_X_ACCESS_REASON=REASON)
        assert response.status_code == 403, user
        assert "detail" in response.json()
    assert api.get(_api_url(history.subject), HTTP_X_ACCESS_REASON=REASON).status_code == 401
    assert _exports(history.subject) == []


def test_the_page_is_for_the_dpo_and_the_auditor(history, dpo, auditor, officer, privacy_officer):
    for user in (dpo, auditor):
        page = signed_in(user).get(_page_url(history.subject))
        assert page.status_code == 200
        assert 'name="reason"' in page.content.decode()
    for user in (officer, privacy_officer, history.user):
        assert signed_in(user).get(_page_url(history.subject)).status_code in (403, 404)
        assert signed_in(user).post(
            _page_url(history.subject), {"reason": "other", "note": REASON, "format": "json"}
        ).status_code in (403, 404)
    assert _exports(history.subject) == []


def test_an_unknown_customer_is_a_404(dpo, as_user):
    response = as_user(dpo).get(
        "/api/v1/subjects/00000000-0000-0000-0000-000000000000/proof-bundle/", HTTP_X_ACCESS_REASON=REASON
    )
    assert response.status_code == 404


# ------------------------------------------------------------------------------------------- reason


@pytest.mark.parametrize("header", [None, "   "])
def test_the_api_asks_for_a_reason(history, dpo, as_user, header):
    extra = {} if header is None else {"HTTP_X_ACCESS_REASON": header}
    response = as_user(dpo).get(_api_url(history.subject), **extra)
    assert response.status_code == 400
    body = response.json()
    assert in_either_language(
        "Say why you are taking this customer's proof bundle in the X-Access-Reason header (the "
        "inspection's letter or case number): every proof bundle taken is recorded with its reason.",
        body["X-Access-Reason"][0],
    )
    assert _exports(history.subject) == []


def test_the_page_asks_for_a_reason(history, dpo):
    client = signed_in(dpo)
    response = client.post(
        "/en" + _page_url(history.subject), {"reason": "other", "note": "", "format": "html"}
    )
    assert response.status_code == 400
    assert "Give the request, complaint or case number, or explain." in response.content.decode()
    response = client.post("/en" + _page_url(history.subject), {"format": "html"})
    assert response.status_code == 400
    assert _exports(history.subject) == []


TOO_LONG = "A05 inspection letter 123/A05-P4 " * 20  # 660 characters


def test_one_rule_for_the_reason_in_the_service():
    """The service alone decides whether a reason will do; it speaks of its `reason` field, and the API
    and the page each say it of what their caller filled in."""
    actor = Actor(kind=ActorKind.STAFF, label="dpo_t")
    for reason, code in (("  \n ", "access_reason_required"), (TOO_LONG, "access_reason_too_long")):
        with pytest.raises(InvalidInput) as refused:
            proof_bundle_export(actor=actor, subject_id=uuid.uuid4(), reason=reason, fmt="json")
        assert refused.value.code == code and refused.value.field == "reason"


def test_the_api_refuses_a_reason_too_long_to_record_naming_the_header(history, dpo, as_user):
    """Not cut short and taken: the audit entry would record another reason than the one given."""
    assert len(" ".join(TOO_LONG.split())) > MAX_ACCESS_REASON_LENGTH
    response = as_user(dpo).get(_api_url(history.subject), HTTP_X_ACCESS_REASON=TOO_LONG)
    assert response.status_code == 400
    (message,) = response.json()["X-Access-Reason"]
    assert in_either_language(
        "The reason in the X-Access-Reason header is too long: keep it to %(limit)s characters (the "
        "inspection's letter or case number).",
        message, limit=MAX_ACCESS_REASON_LENGTH,
    )
    assert _exports(history.subject) == []


def test_the_page_refuses_a_reason_too_long_on_its_field(history, dpo):
    response = signed_in(dpo).post(
        "/en" + _page_url(history.subject), {"reason": "other", "note": TOO_LONG, "format": "html"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["note"]
    assert _exports(history.subject) == []


def test_a_bad_period_is_refused_with_a_message(history, dpo, as_user):
    response = as_user(dpo).get(_api_url(history.subject, "?from=2026-02-30"), HTTP_X_ACCESS_REASON=REASON)
    assert response.status_code == 400
    assert "YYYY-MM-DD" in str(response.json())
    response = as_user(dpo).get(
        _api_url(history.subject, "?from=2026-03-10&to=2026-03-01"), HTTP_X_ACCESS_REASON=REASON
    )
    assert response.status_code == 400
    assert _exports(history.subject) == []


# ------------------------------------------------------------------------------------------- audit


def test_each_download_writes_one_audit_entry_with_the_reason(history, dpo, as_user):
    client = as_user(dpo)  # issuing its token is audited too
    before = AuditEntry.objects.count()
    response = client.get(_api_url(history.subject), HTTP_X_ACCESS_REASON=REASON)
    assert response.status_code == 200
    assert AuditEntry.objects.count() == before + 1
    (entry,) = _exports(history.subject)
    assert entry.actor_label == dpo.username
    assert entry.data["reason"] == REASON
    assert entry.data["format"] == "json"
    assert entry.data["sha256"] == response.json()["sha256"]
    assert entry.target_id == str(history.subject.pk)

    signed_in(dpo).post(_page_url(history.subject), {"reason": "other", "note": REASON, "format": "html"})
    assert [e.data["format"] for e in _exports(history.subject)] == ["html", "json"]


# ------------------------------------------------------------------------------------------- formats


def test_json_and_html_carry_the_same_facts_and_the_same_hash(history, dpo, as_user, frozen):
    client = as_user(dpo)
    query = f"?to={UNTIL}"
    document = client.get(_api_url(history.subject, query), HTTP_X_ACCESS_REASON=REASON).json()
    printable = client.get(_api_url(history.subject, query + "&format=html"), HTTP_X_ACCESS_REASON=REASON)
    assert printable.status_code == 200 and printable["Content-Type"].startswith("text/html")
    page = printable.content.decode()
    # The closing line: the hash of the JSON, which anyone can recompute from the file.
    assert document["sha256"] == bundle_sha256(document)
    content = {k: v for k, v in document.items() if k != "sha256"}
    assert document["sha256"] == hashlib.sha256(canonical_json(content)).hexdigest()
    assert f'data-testid="bundle-sha256">{document["sha256"]}<' in page
    # The same facts: every receipt, request, authorisation and audit entry of the JSON is on the page.
    for purpose in document["consents"]:
        for event in purpose["events"]:
            assert event["receipt"]["id"] in page and event["receipt"]["sha256"] in page
            for stop in event["recipient_stops"]:
                assert stop["recipient"] in page
    for request in document["requests"]:
        assert request["reference"] in page
    for authorisation in document["authorisations"]:
        assert authorisation["third_party"] in page
    for entry in document["audit"]["entries"]:
        assert f'data-sequence="{entry["sequence"]}"' in page
    assert len(re.findall(r'data-testid="consent-event"', page)) == sum(
        len(p["events"]) for p in document["consents"]
    )
    # Local times, day first.
    assert "05/03/2026 14:30" in page and "2026-03-05T14:30:00+07:00" in str(document)
    # A stop is judged by its own due time, whatever the bank's commitment was or is now: no fixed period.
    stops = re.findall(r'data-testid="recipient-stops">.*?</table>', page, flags=re.S)
    claims_the_banks = ("bank's deadline", "thời hạn của ngân hàng")
    assert stops and not any(
        "72" in table or any(claim in html.unescape(table) for claim in claims_the_banks) for table in stops
    )
    # The page from the portal is the same document.
    portal = (
        signed_in(dpo)
        .post(
            _page_url(history.subject), {"reason": "other", "note": REASON, "format": "html", "until": UNTIL}
        )
        .content.decode()
    )
    assert f'data-testid="bundle-sha256">{document["sha256"]}<' in portal
    exported = signed_in(dpo).post(
        _page_url(history.subject), {"reason": "other", "note": REASON, "format": "json", "until": UNTIL}
    )
    assert exported["Content-Disposition"].startswith("attachment;")
    assert bundle_sha256(exported.json()) == document["sha256"]


@pytest.mark.parametrize(("prefix", "words"), [("", "Thời hạn của ngân hàng"), ("/en", "Bank deadline")])
def test_the_printable_page_speaks_the_viewers_language(history, dpo, prefix, words):
    page = (
        signed_in(dpo)
        .post(prefix + _page_url(history.subject), {"reason": "other", "note": REASON, "format": "html"})
        .content.decode()
    )
    assert words in page
    assert "Trần Thị Kiểm Tra" in page and history.subject.external_ref in page


@pytest.mark.parametrize(("prefix", "none", "intact"), [
    ("", "Không có lần kiểm tra toàn bộ chuỗi nhật ký kiểm toán nào được ghi nhận.", "nguyên vẹn"),
    ("/en", "No verification of the whole audit chain is on record.", "intact"),
])
def test_the_printable_page_says_when_the_whole_chain_was_last_verified(history, dpo, prefix, none, intact):
    def page() -> str:
        return (
            signed_in(dpo)
            .post(prefix + _page_url(history.subject), {"reason": "other", "note": REASON, "format": "html"})
            .content.decode()
        )

    def shown(text: str) -> str:
        found = text[text.index('data-testid="bundle-chain-verification"'):]
        return found[:found.index("</p>")]

    assert none in shown(page())
    verify_chain(full=True)
    weekly = AuditEntry.objects.filter(action="audit.chain.verified").order_by("-sequence").first()
    found = shown(page())
    assert none not in found
    assert timezone.localtime(weekly.recorded_at, VN).strftime("%d/%m/%Y %H:%M") in found
    assert intact in found and f"#{weekly.sequence}" in found


def test_a_whole_chain_verification_from_the_trail_page_is_the_one_the_bundle_quotes(history, auditor, dpo):
    """The auditor's "verify the whole chain" on the trail page is recorded as the weekly job's check is:
    a bundle taken afterwards says when and by which entry the whole chain was last verified."""
    signed_in(auditor).post(reverse("audit:trail"), {"verify": "full"})
    (checked,) = AuditEntry.objects.filter(action="audit.chain.verified")
    bundle = signed_in(dpo).post(
        _page_url(history.subject), {"reason": "other", "note": REASON, "format": "json"}
    ).json()
    quoted = bundle["audit"]["full_chain_verification"]
    assert quoted["on_record"] is True and quoted["result"] == "intact"
    assert quoted["audit_entry"] == checked.sequence and quoted["up_to_sequence"] == checked.sequence - 1


# ----------------------------------------------------------------------------------------- the way in


def _bundle_links(page: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-testid="subject-link-regulator:proof_bundle"', page)


def test_the_audit_trail_of_one_customer_leads_the_auditor_to_their_bundle(history, auditor, dpo):
    """The auditor may not open the customer page, where the button is: the trail, filtered by the
    customer, is their way in."""
    trail = reverse("audit:trail")
    bundle = reverse("regulator:proof_bundle", args=[history.subject.pk])
    for user in (auditor, dpo):
        client = signed_in(user)
        for reference in (history.subject.external_ref, str(history.subject.pk)):
            page = client.get(trail, {"subject": reference}).content.decode()
            assert _bundle_links(page) == [bundle], (user, reference)
        assert client.get(_bundle_links(page)[0]).status_code == 200
        # No customer chosen, or none found: no link.
        assert _bundle_links(client.get(trail).content.decode()) == []
        assert _bundle_links(client.get(trail, {"subject": "NO-SUCH-CIF"}).content.decode()) == []


def test_the_trail_shows_no_bundle_link_to_who_may_not_take_the_bundle(history, privacy_officer):
    privacy_officer.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    page = signed_in(privacy_officer).get(reverse("audit:trail"), {"subject": history.subject.external_ref})
    assert page.status_code == 200
    assert _bundle_links(page.content.decode()) == []


def test_a_request_page_leads_the_auditor_to_the_customers_bundle(history, auditor, officer):
    """The request page names the customer, unlinked for the auditor (no customer page for them)."""
    page_url = reverse("dsr:detail", args=[history.answered.pk])
    bundle = reverse("regulator:proof_bundle", args=[history.subject.pk])
    page = signed_in(auditor).get(page_url)
    assert page.status_code == 200
    assert _bundle_links(page.content.decode()) == [bundle]
    assert _bundle_links(signed_in(officer).get(page_url).content.decode()) == []


def _back_link(page: str) -> str:
    return html.unescape(re.search(r'<a [^>]*href="([^"]+)"[^>]*data-testid="bundle-back"', page)[1])


def test_the_printable_page_leads_back_where_the_viewer_may_go(history, dpo, auditor):
    """The DPO goes back to the customer page; the auditor, who may not open it (403) and reaches the
    bundle from the audit trail, to the trail filtered by the customer's CIF."""
    pages = {}
    for user in (dpo, auditor):
        client = signed_in(user)
        page = client.post(
            _page_url(history.subject), {"reason": "other", "note": REASON, "format": "html"}
        ).content.decode()
        pages[user] = (client, _back_link(page))
    client, back = pages[dpo]
    assert back == reverse("subjects:customer_detail", args=[history.subject.pk]).removeprefix("/en")
    assert client.get(back).status_code == 200
    client, back = pages[auditor]
    trail = reverse("audit:trail").removeprefix("/en")
    assert back == f"{trail}?subject={history.subject.external_ref}"
    assert client.get(back).status_code == 200
    assert client.get(pages[dpo][1]).status_code == 403


def test_the_apis_printable_page_leads_back_as_the_staff_page_does(history, dpo, auditor, as_user):
    customer_page = reverse("subjects:customer_detail", args=[history.subject.pk])
    for user, expected in ((dpo, customer_page), (auditor, reverse("audit:trail"))):
        response = as_user(user).get(_api_url(history.subject, "?format=html"), HTTP_X_ACCESS_REASON=REASON)
        assert response.status_code == 200
        back = _back_link(response.content.decode())
        assert back.removeprefix("/en").split("?")[0] == expected.removeprefix("/en"), (user, back)


@pytest.fixture
def archived_month_before():
    """Entries of January and February 2020, written before the customer's history: the runbook then
    archives January (docs/deployment.md)."""
    month_partitions_made(date(2020, 1, 1), months=2)
    for month, days in ((1, range(1, 4)), (2, range(1, 3))):
        for day in days:
            audit_record(action="core.token.issued", actor=Actor.system("tests"),
                         now=datetime(2020, month, day, tzinfo=UTC))


@pytest.mark.parametrize(("prefix", "archived"), [
    ("", "từ mục #4 (các mục trước đó đã được lưu trữ)"),
    ("/en", "from entry #4 (earlier entries archived)"),
])
def test_after_an_archive_the_bundle_says_where_the_whole_chain_check_began(
    archived_month_before, history, dpo, prefix, archived
):
    audit_checkpoint_write()
    archive_month(date(2020, 1, 1))
    verify_chain(full=True)
    weekly = AuditEntry.objects.get(action="audit.chain.verified")

    bundle = signed_in(dpo).post(
        _page_url(history.subject), {"reason": "other", "note": REASON, "format": "json"}
    ).json()
    quoted = bundle["audit"]["full_chain_verification"]
    assert quoted["result"] == "intact" and quoted["audit_entry"] == weekly.sequence
    assert quoted["from_sequence"] == 4 and quoted["earlier_entries_archived"] is True

    page = signed_in(dpo).post(
        prefix + _page_url(history.subject), {"reason": "other", "note": REASON, "format": "html"}
    ).content.decode()
    shown = page[page.index('data-testid="bundle-chain-verification"'):]
    shown = shown[:shown.index("</p>")]
    assert archived in shown and f"#{weekly.sequence - 1}" in shown


def test_each_clock_event_on_the_page_names_the_regime_of_its_statutory_date(history, dpo, as_user, frozen):
    """An inspector reads from the clock history which law set each statutory date it shows."""
    client = as_user(dpo)
    query = f"?to={UNTIL}&format=html"
    answer = client.get(_api_url(history.subject, query), HTTP_X_ACCESS_REASON=REASON)
    page = html.unescape(answer.content.decode())
    clocks = page.split('data-testid="clock-events"')[1:]
    bodies = [table.split("<tbody>")[1].split("</tbody>")[0] for table in clocks]
    rows = [row for body in bodies for row in body.split("<tr>")[1:]]
    assert rows
    law91 = "Vietnam: Law 91/2025/QH15 and Decree 356/2025"
    assert [row for row in rows if not in_either_language(law91, row)] == []
