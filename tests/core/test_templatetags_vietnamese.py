"""`vietnamese_order`: the templates' Vietnamese alphabetical order, of dictionaries or objects."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template


def test_a_list_of_dictionaries_or_objects_is_put_in_vietnamese_order():
    template = Template(
        '{% load vietnamese %}{% for r in items|vietnamese_order:"name" %}{{ r.name }};{% endfor %}'
    )
    names = ["Zeta", "Đông Á", "Ánh Dương", "Dịch vụ"]
    expected = "Ánh Dương;Dịch vụ;Đông Á;Zeta;"
    assert template.render(Context({"items": [{"name": n} for n in names]})) == expected
    assert template.render(Context({"items": [SimpleNamespace(name=n) for n in names]})) == expected
