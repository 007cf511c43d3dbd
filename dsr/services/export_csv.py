"""The CSV copy of the export: the readable page's content (`export_readable`, the same labels and
local times, with the offset) as one sheet a spreadsheet filters by its first column, the type of
record. The six columns the copy always had come first and in their order, a consent event and a
request still one row each; after them the notice version and who recorded a consent event, then a
detail and its value for what has no column of its own (the profile, what each system holds, the
answers to a request, what a third party may read). Each row is identified as the customer knows it: a
request by its reference (YC-…), a consent by its receipt number (the consent's id, as its receipt
page shows it)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.spreadsheets import SpreadsheetWriter
from dsr.services.export_formats import export_readable

CSV_HEADERS = (
    _("Type of record"),
    _("Identifier"),
    _("Purpose or request type"),
    _("Event or status"),
    _("Time (Vietnam)"),
    _("Channel"),
    _("Notice version"),
    _("Recorded by"),
    _("Details"),
    _("Value"),
)


def _row(
    kind, identifier="", name="", status="", at="", channel="", *, version="", by="", detail="", value=""
) -> list[str]:
    return [str(kind), identifier, name, str(status), at, channel, version, by, str(detail), str(value)]


def _purpose(entry: dict[str, Any]) -> str:
    """The purpose's name, marked as the page marks a consent given for a child in the customer's care."""
    if entry.get("for_ward"):
        return f"{entry['purpose']} ({_('for a child in my care')})"
    return entry["purpose"]


def _profile(data: dict[str, Any]) -> Iterator[list[str]]:
    for row in data["subject"]:
        yield _row(_("About me"), detail=row["label"], value=row["value"])
    people = [(data["guardian"], _("My guardian (customer number)"))] if data["guardian"] else []
    people += [(ward, _("A child I act for as guardian (customer number)")) for ward in data["wards"]]
    for person, label in people:
        number = person["customer_number"]
        yield _row(_("Guardian"), number, at=person["verified_at"], detail=label, value=number)


def _consents(data: dict[str, Any]) -> Iterator[list[str]]:
    for e in data["consent_events"]:
        yield _row(
            _("Consent"), e["consent"], _purpose(e), e["event"], e["at"], e["channel"],
            version=e["notice_version"], by=e["recorded_by"],
            detail=_("My reason") if e["reason"] else "", value=e["reason"],
        )
        if e["evidence"]:
            yield _row(
                _("Consent"), e["consent"], _purpose(e), e["event"], e["at"], e["channel"],
                version=e["notice_version"], detail=_("Evidence reference"), value=e["evidence"],
            )
    for c in data["consents"]:
        yield from _consent_rows(c)
    for a in data["automated_processing"]:
        yield _row(
            _("Profiling or automated decisions without my consent"), "", a["purpose"],
            a["automated_processing"], detail=_("Legal basis"), value=a["legal_basis"],
        )
    for c in data["corrections"]:
        if c["acknowledged_at"]:
            said = _("corrected, confirmed on %(date)s") % {"date": c["acknowledged_at"]}
        else:
            said = _("asked to correct by %(date)s, awaiting confirmation") % {"date": c["due_at"]}
        yield _row(
            _("Correction passed on"), "", c["purpose"], said, c["sent_at"],
            detail=c["fields"], value=c["recipient"],
        )
    yield from _passed_on(data)
    for r in data["restrictions"]:
        yield _row(
            _("Restrictions and objections in force"), "", r["purpose_label"], r["kind_label"], r["since"]
        )


def _legal_holds(data: dict[str, Any]) -> Iterator[list[str]]:
    """What a law still keeps, one row per data category and system: until when, why and under which law."""
    for h in data["legal_holds"]:
        yield _row(
            _("What we must keep for now"), h["request_reference"],
            f"{h['category_label']} ({h['system_label']})", h["kept_until_label"], h["since"],
            detail=h["reason_label"], value=h["legal_reference_label"],
        )


def _passed_on(data: dict[str, Any]) -> Iterator[list[str]]:
    """The recipients the customer's restriction or objection told to stop, and their erasure to delete:
    one row each, by the request that told it."""
    stopped, deleted = _("stopped, confirmed on %(date)s"), _("deleted, confirmed on %(date)s")
    sections = (
        ("restrictions_passed_on", _("Told to stop (restriction or objection)"), stopped),
        ("erasures_passed_on", _("Told to delete my data"), deleted),
    )
    for section, kind, confirmed in sections:
        for n in data[section]:
            if n["acknowledged_at"]:
                said = confirmed % {"date": n["acknowledged_at"]}
            elif n.get("called_off_at"):
                said = _("called off on %(date)s: the stop no longer applies") % {"date": n["called_off_at"]}
            else:
                said = _("asked by %(date)s, awaiting confirmation") % {"date": n["due_at"]}
            yield _row(
                kind, n["request"], n["purpose"], said, n["sent_at"],
                detail=_("Recipient"), value=n["recipient"],
            )


def _consent_rows(c: dict[str, Any]) -> Iterator[list[str]]:
    """A consent's line of "Who my data was shared with": its recipients (and destination abroad), its
    evidence reference, and each recipient its withdrawal told to stop."""

    def row(kind, detail, value, status="", at=""):
        version = c["notice_version"]
        return _row(kind, c["consent"], _purpose(c), status, at, version=version, detail=detail, value=value)

    for recipient in c["recipients"]:
        yield row(_("Shared with"), _("Recipients"), recipient)
    if c["destination_country"]:
        abroad = _("Transferred abroad to %(country)s") % {"country": c["destination_country"]}
        yield row(_("Shared with"), _("Recipients"), abroad)
    if c["evidence"]:
        yield row(_("Shared with"), _("Evidence reference"), c["evidence"])
    for label, value in ((_("Device"), c["device"]), (_("Session"), c["session_ref"])):
        if value:
            yield row(_("Consent given from"), label, value)
    for duty in c["withdrawal_duties"]:
        if duty["acknowledged_at"]:
            said = _("stopped, confirmed on %(date)s") % {"date": duty["acknowledged_at"]}
        else:
            said = _("told to stop by %(date)s, not yet confirmed") % {"date": duty["due_at"]}
        at = duty["acknowledged_at"] or duty["due_at"]
        yield row(_("Told to stop"), _("Recipients"), duty["recipient"], status=said, at=at)


def _requests(data: dict[str, Any]) -> Iterator[list[str]]:
    for r in data["requests"]:
        yield _row(
            _("Request"), r["reference"], r["type"], r["status"], r["received_at"], r["channel"],
            detail=_("Closed") if r["closed_at"] else "", value=r["closed_at"],
        )
    for r in data["requests"]:
        asked = [(_("What I asked"), r["details"]), (_("Corrected values I asked for"), r["corrections"])]
        for label, text in asked:
            if text:
                yield _row(_("What I asked"), r["reference"], r["type"], detail=label, value=text)
    for r in data["requests"]:
        told = [
            (_("Legal reason"), r["closed_at"], r["outcome_reason"]),
            (_("Our answer"), r["closed_at"], r["outcome_note"]),
            (_("More time needed"), "", r["extension_note"]),
            *((line["who"], line["at"], line["text"]) for line in r["conversation"]),
        ]
        for label, at, text in told:
            if text:
                yield _row(_("What I was told"), r["reference"], r["type"], at=at, detail=label, value=text)


def _as_guardian(data: dict[str, Any]) -> Iterator[list[str]]:
    """The requests filed as guardian for a child: one row each, then what the guardian asked, how their
    identity was checked, and their replies."""
    for r in data["requests_as_guardian"]:
        kind = _("Request I filed as guardian")
        yield _row(
            kind, r["reference"], r["type"], r["status"], r["received_at"], r["channel"],
            detail=_("Closed") if r["closed_at"] else "", value=r["closed_at"],
        )
        parts = [
            (_("What I asked"), "", r["details"]),
            (_("My identity checked"), "", r["identity"]),
            *((_("Your answer"), line["at"], line["text"]) for line in r["replies"]),
        ]
        for label, at, text in parts:
            if text:
                yield _row(kind, r["reference"], r["type"], at=at, detail=label, value=text)


def _breaches_told(data: dict[str, Any]) -> Iterator[list[str]]:
    for breach in data["breaches_told"]:
        facts = [
            (_("Detected"), breach["detected_at"]),
            (_("Data concerned"), breach["data_concerned"]),
            (_("What the bank did"), breach["measures_taken"]),
        ]
        for label, value in facts:
            yield _row(
                _("Breach of my data"), breach["reference"], status=_("Told on"), at=breach["told_at"],
                detail=label, value=value,
            )


def _disclosures_told(data: dict[str, Any]) -> Iterator[list[str]]:
    for disclosure in data["disclosures_to_authorities"]:
        for label, value in [
            (_("Data disclosed"), disclosure["data_disclosed"]),
            (_("Legal basis"), disclosure["legal_basis"]),
        ]:
            yield _row(
                _("Disclosed to an authority"), "", disclosure["authority"], at=disclosure["disclosed_at"],
                detail=label, value=value,
            )


def _shared_out(data: dict[str, Any]) -> Iterator[list[str]]:
    for m in data["messages_sent"]:
        outcome = f"{m['status_label']} ({m['delivered_at']})" if m["delivered_at"] else m["status_label"]
        yield _row(
            _("Message"), "", m["topic_label"], outcome, m["sent_at"], m["channel_label"],
            detail=_("Read") if m["read_at"] else "", value=m["read_at"],
        )
    for a in data["third_party_access"]:
        facts = [
            (_("What it may read"), "; ".join(a["scope_labels"])),
            (_("Until"), a["ended_at"] or a["expires_at"]),
            (_("Times read"), str(a["accesses"])),
        ]
        for label, value in facts:
            yield _row(
                _("Third party"), a["id"], a["third_party"], a["status_label"], a["starts_at"],
                detail=label, value=value,
            )
        for e in a["events"]:
            yield _row(
                _("Third party"), a["id"], a["third_party"], e["event"], e["at"],
                detail=_("My reason") if e["reason"] else "", value=e["reason"],
            )
    for system in data["systems"]:
        rows = [(row["label"], row["value"]) for row in system["rows"]]
        for label, value in rows or [("", _("This system holds nothing more about you."))]:
            yield _row(
                _("What the bank's systems hold"), system["code"], system["name"], detail=label, value=value
            )
    for sentence in data["left_out"]:
        yield _row(_("What this copy leaves out"), value=sentence)


def export_csv(content: dict[str, Any]) -> str:
    """The CSV copy in the active language, in the order of the readable page."""
    data = export_readable(content, offset=True)
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow([str(header) for header in CSV_HEADERS])
    parts = (
        _profile, _consents, _legal_holds, _requests, _as_guardian, _breaches_told, _disclosures_told,
        _shared_out,
    )
    for part in parts:
        writer.writerows(part(data))
    return out.getvalue()
