"""A screen-reader user fills in a form by tabbing from field to field: each control must say what it
is for (WCAG 1.3.1, 4.1.2). A set of radio buttons or checkboxes answers one question, and the question
is the group's name: a fieldset's legend (or role=radiogroup/group with a label). A `<label for="">`
above the set names nothing, so the reader hears "Yes, radio button, 1 of 3" and not which purpose
the "Yes" records."""
from __future__ import annotations

import pytest

from tests.consents.factories import make_purpose
from tests.factories import make_subject, signed_in
from tests.html_tree import ids, parse

pytestmark = pytest.mark.django_db


def group_name(control, page) -> str | None:
    """The accessible name of the group a radio/checkbox belongs to: its fieldset's legend, or an
    ancestor with role radiogroup/group named by aria-label / aria-labelledby."""
    by_id = ids(page)
    for node in control.ancestors():
        if node.tag == "fieldset":
            legend = node.find("legend")
            return legend.text() if legend else None
        if node.get("role") in ("radiogroup", "group"):
            if node.get("aria-label"):
                return node.get("aria-label")
            if node.get("aria-labelledby"):
                refs = node.get("aria-labelledby").split()
                return " ".join(by_id[ref].text() for ref in refs if ref in by_id)
    return None


def controls(page, name: str):
    return [e for e in page.find_all("input")
            if e.get("name") == name and e.get("type") in ("radio", "checkbox")]


def test_officer_hears_which_purpose_each_yes_no_answer_records(officer):
    """The branch consent form: one Yes/No/Not asked set per purpose. Each set is named by its purpose,
    or the officer cannot tell the marketing answer from the credit-bureau one."""
    make_purpose("marketing", name_en="Product marketing and offers")
    make_purpose("credit-bureau", name_en="Credit bureau enquiries")
    subject = make_subject()
    page = parse(signed_in(officer).get(f"/en/portal/customers/{subject.pk}/consents/new/").content)

    for code, purpose in (("marketing", "Product marketing and offers"),
                          ("credit-bureau", "Credit bureau enquiries")):
        radios = controls(page, f"answer_{code}")
        assert len(radios) == 3
        names = {group_name(radio, page) for radio in radios}
        assert len(names) == 1 and None not in names, f"the {code} answers are in no named group"
        (name,) = names
        assert purpose in name, f"the {code} answers' group is named {name!r}: it does not say which purpose"


def test_customer_hears_the_question_of_the_request_type_and_purpose_choices(customer_a):
    make_purpose("marketing", name_en="Product marketing and offers")
    page = parse(signed_in(customer_a).get("/en/me/requests/new/").content)

    for field, question in (("type", "What do you ask for?"), ("purposes", "Which purposes?")):
        choices = controls(page, field)
        assert choices, field
        for choice in choices:
            name = group_name(choice, page)
            assert name is not None and question in name, (
                f"{field} choice {choice.get('value')!r} is in group {name!r}"
            )


def test_customer_hears_the_question_of_the_contact_channel_choice(customer_a):
    page = parse(signed_in(customer_a).get("/en/me/notifications/").content)
    choices = controls(page, "channels")
    assert choices
    for choice in choices:
        name = group_name(choice, page)
        assert name is not None and "How should we reach you?" in name, name


def test_no_label_points_at_nothing(customer_a):
    """`<label for="">` labels no control: a label must point at an existing control's id."""
    page = parse(signed_in(customer_a).get("/en/me/requests/new/").content)
    by_id = ids(page)
    dangling = [label.text() for label in page.find_all("label")
                if label.get("for") is not None and label.get("for") not in by_id]
    assert dangling == []
