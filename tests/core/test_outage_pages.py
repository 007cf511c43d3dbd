"""Pages during a database or broker outage: 503 with `Retry-After` and a translated page saying
what happened and that nothing was lost, never a 500 (issue #19)."""
from __future__ import annotations

import kombu.exceptions
import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def _outage(error):
    def fail(*args, **kwargs):
        raise error

    return fail


@pytest.mark.parametrize("language,text", [("en", "Nothing was lost."), ("vi", "Không có gì bị mất.")])
def test_a_customer_page_answers_503_with_the_outage_page(client, customer_a, monkeypatch, language, text):
    client.force_login(customer_a)
    monkeypatch.setattr("consents.views.customer._rows", _outage(OperationalError("connection refused")))
    prefix = "" if language == "vi" else "/en"
    response = client.get(f"{prefix}/me/consents/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert text in body and "connection refused" not in body


@pytest.mark.parametrize("error", [InterfaceError("connection already closed"),
                                   kombu.exceptions.OperationalError("broker down")])
def test_a_staff_page_answers_503_with_the_outage_page(client, dpo, monkeypatch, error):
    client.force_login(dpo)
    monkeypatch.setattr("integrations.views.token_list", _outage(error))
    response = client.get("/en/portal/tokens/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Service briefly unavailable" in response.content.decode()


def test_an_outage_met_in_middleware_answers_503_too(dpo, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(dpo)
    monkeypatch.setattr(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        _outage(OperationalError("the database system is shutting down")),
    )
    response = client.get("/en/portal/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Nothing was lost." in response.content.decode()


def test_other_errors_stay_errors(client, dpo, monkeypatch):
    client.force_login(dpo)
    monkeypatch.setattr("integrations.views.token_list", _outage(ValueError("a bug")))
    with pytest.raises(ValueError):
        client.get("/en/portal/tokens/")
