"""Every API list has a total order, so its pages neither repeat a row nor leave one out.

An integrating system pages a list by `offset` or by `cursor` (core/api/pagination.py); either way the
database must put the rows in one order only, which it does only when the last sort key is unique
(core/ordering.py). PostgreSQL returns rows that tie on every key in an order that changes with the
page's LIMIT and OFFSET. Each list endpoint is called here and the queryset its selector handed to the
paginator is checked: ordered by keys a cursor can resume after, the last one unique.
"""
from __future__ import annotations

import inspect

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.mixins import ListModelMixin

from core.api.pagination import DefaultPagination
from core.ordering import is_total, order_keys, order_of
from tests.authorisations.factories import authorise
from tests.factories import UserFactory

# List endpoints reached otherwise than by a plain GET: the method and the body.
CALLS = {"api/v1/subjects/search/": ("post", {"phone": "0900000000"})}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _pages_a_list(view_class) -> bool:
    if issubclass(view_class, ListModelMixin):
        return True
    own = [k for k in view_class.__mro__ if not k.__module__.startswith(("rest_framework", "builtins"))]
    return any("paginate_queryset(" in inspect.getsource(k) for k in own)


def list_routes() -> list[str]:
    found = []
    for route, pattern in _routes(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if route.startswith("api/v1/") and view_class is not None and _pages_a_list(view_class):
            found.append(route)
    return found


def test_the_api_has_list_endpoints_to_check():
    # The search below must find them, or the test checks nothing.
    assert {"api/v1/consents/", "api/v1/withdrawal-duties/", "api/v1/requests/", "api/v1/audit/"} <= set(
        list_routes()
    )


@pytest.mark.django_db
def test_every_api_list_is_totally_ordered_by_keys_a_cursor_can_resume_after(
    monkeypatch, as_user, customer_a
):
    handed: dict[str, object] = {}
    paginate = DefaultPagination.paginate_queryset

    def recording(self, queryset, request, view=None):
        handed[request.path] = queryset
        return paginate(self, queryset, request, view)

    monkeypatch.setattr(DefaultPagination, "paginate_queryset", recording)
    api = as_user(UserFactory(is_superuser=True))  # in no group: the DPO's reach, every permission
    authorisation = authorise(customer_a)

    untotal = {}
    for route in list_routes():
        path = "/" + route.replace("<uuid:pk>", str(authorisation.pk))
        method, body = CALLS.get(route, ("get", None))
        answer = getattr(api, method)(path, body, format="json")
        assert answer.status_code == 200, (route, answer.content)
        queryset = handed.get(path)
        assert queryset is not None, f"{route} did not page its list through the API's paginator"
        order_keys(queryset)  # raises for a key a cursor cannot resume after
        if not is_total(queryset):
            untotal[route] = order_of(queryset)

    assert not untotal, f"lists whose last sort key is not unique (add the primary key): {untotal}"
