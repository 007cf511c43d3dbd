"""A guardian's consents page holds their own switches and, below, their child's. A screen reader lists
the switches by name ("Biometric authentication, off, checkbox"): each name must say whose consent it
is, or the parent's and the child's switches sound the same."""
from __future__ import annotations

import pytest

from core.access import subject_for_user
from tests.consents.factories import child_of, make_purpose
from tests.factories import signed_in
from tests.html_tree import ids, parse

pytestmark = pytest.mark.django_db


def switch_names(page) -> list[str]:
    by_id = ids(page)
    names = []
    for switch in page.find_all("input", type="checkbox"):
        if switch.get("data-autosubmit") is None:
            continue
        if switch.get("aria-labelledby"):
            refs = switch.get("aria-labelledby").split()
            names.append(" ".join(by_id[r].text() for r in refs if r in by_id))
        else:
            names.append(switch.get("aria-label") or "")
    return names


def test_a_guardians_own_switch_and_their_childs_have_different_names(customer_a):
    make_purpose("biometric", category="security", name_en="Biometric authentication")
    child = child_of(subject_for_user(customer_a), age=10)
    page = parse(signed_in(customer_a).get("/en/me/consents/").content)

    names = [n for n in switch_names(page) if "Biometric authentication" in n]
    assert len(names) == 2, names  # the guardian's own and the child's
    assert len(set(names)) == 2, f"both switches are called {names[0]!r}"
    assert any(child.external_ref in n for n in names), names
