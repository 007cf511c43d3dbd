"""A control repeated once per item (a system's task on a request) must say which item it acts on,
in its own name or in the name of the form or group it sits in (WCAG 1.3.1, 2.4.6, 4.1.2). A privacy
officer tabbing through a request with three systems hears "What was done", "Evidence reference",
"Mark done" three times over and cannot tell which system's deletion or export each records."""
from __future__ import annotations

import pytest

from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_inventory, verified_request
from tests.factories import signed_in
from tests.html_tree import ids, parse

pytestmark = pytest.mark.django_db


def spoken_context(page, control) -> str:
    """The control's own name plus the names of the form / fieldset / group it is in: what a screen
    reader says when the focus lands on it."""
    by_id = ids(page)

    def named(node) -> str:
        if node.get("aria-label"):
            return node.get("aria-label")
        if node.get("aria-labelledby"):
            return " ".join(by_id[r].text() for r in node.get("aria-labelledby").split() if r in by_id)
        return ""

    parts = [named(control) or control.text()]
    if control.get("id"):
        parts += [label.text() for label in page.find_all("label") if label.get("for") == control.get("id")]
    for node in control.ancestors():
        if node.tag == "fieldset" and node.find("legend"):
            parts.append(node.find("legend").text())
        elif node.tag == "form" or node.get("role") in ("group", "region"):
            parts.append(named(node))
    return " ".join(parts)


def test_each_systems_task_form_names_its_system(privacy_officer, subject):
    make_inventory()
    request = verified_request(subject, type="access")
    tasks = list(request.tasks.select_related("system"))
    assert len(tasks) >= 2
    page = parse(signed_in(privacy_officer).get(f"/en/portal/requests/{request.pk}/").content)

    for task in tasks:
        form = next(f for f in page.find_all("form")
                    if f.get("action", "").endswith(f"/tasks/{task.pk}/done/")
                    or str(task.pk) in f.get("action", ""))
        button = form.find("button", type="submit")
        fields = [e for e in form.find_all(["input", "textarea"]) if e.get("type") != "hidden"]
        for control in [button, *fields]:
            said = spoken_context(page, control)
            assert task.system.name in said, f"{control.tag} {control.get('name')!r} says only {said!r}"


def link_purpose(page, link) -> str:
    """What WCAG 2.4.4 lets a link's purpose be read from: its own name, or its row's header cells."""
    said = spoken_context(page, link)
    row = next((node for node in link.ancestors() if node.tag == "tr"), None)
    if row is not None:
        said += " " + " ".join(th.text() for th in row.find_all("th"))
    return said


def test_each_withdraw_button_on_the_customer_page_names_its_purpose(officer, subject):
    """The customer page's live consents: a "Withdraw" per row. Listed by a screen reader (links list,
    Tab), five rows give five identical "Withdraw"s; the officer withdraws for a customer in front of
    them and must hear which consent each one ends."""
    purposes = [make_purpose("marketing", name_en="Product marketing and offers"),
                make_purpose("group-sharing", name_en="Sharing with group companies")]
    consents = {grant(subject, p).pk: p.name_en for p in purposes}
    page = parse(signed_in(officer).get(f"/en/portal/customers/{subject.pk}/").content)

    withdraws = [a for a in page.find_all("a") if "/withdraw/" in (a.get("href") or "")]
    assert len(withdraws) == 2
    for link in withdraws:
        purpose = next(name for pk, name in consents.items() if str(pk) in link.get("href"))
        said = link_purpose(page, link)
        assert purpose in said, f"the Withdraw link of {purpose!r} says only {said!r}"
