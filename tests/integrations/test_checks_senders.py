"""`check --deploy` warns while customers' messages would come from no sender the bank owns: e-mail
from the platform's default no-reply@quyendulieu.local (refused or filed as spam by customers' mail
providers, and no bank customer trusts it), SMS through a gateway with no sender name (a bank's customer
care SMS go out under its registered brandname; from a bare number they read as a scam)."""

from __future__ import annotations

import pytest
from django.core.checks import registry

from integrations.checks import sender_check


def _ids() -> set[str]:
    return {message.id for message in sender_check()}


def test_the_check_runs_with_check_deploy_only():
    assert sender_check in registry.registry.get_checks(include_deployment_checks=True)
    assert sender_check not in registry.registry.get_checks()


@pytest.mark.parametrize("address", [
    "Quyen Du Lieu <no-reply@quyendulieu.local>", "webmaster@localhost", "no-reply@bank.example",
])
def test_mail_from_an_address_no_bank_owns_is_warned(settings, address):
    settings.DEBUG, settings.DEFAULT_FROM_EMAIL = False, address
    assert "integrations.W004" in _ids()


def test_mail_from_the_bank_domain_is_not(settings):
    settings.DEBUG, settings.DEFAULT_FROM_EMAIL = False, "Ngân hàng Đông Á <no-reply@dongabank.com.vn>"
    assert "integrations.W004" not in _ids()


def test_an_sms_gateway_without_a_brandname_is_warned(settings):
    settings.DEBUG, settings.SMS_GATEWAY_URL, settings.SMS_SENDER = False, "https://sms.bank.vn/send", ""
    assert "integrations.W005" in _ids()
    settings.SMS_SENDER = "DONGABANK"
    assert "integrations.W005" not in _ids()


def test_no_warning_on_a_development_machine(settings):
    settings.DEBUG, settings.DEFAULT_FROM_EMAIL = True, "Quyen Du Lieu <no-reply@quyendulieu.local>"
    settings.SMS_GATEWAY_URL, settings.SMS_SENDER = "https://sms.bank.vn/send", ""
    assert _ids() == set()


def test_no_customer_hotline_is_warned(settings):
    """Unset, a breach notice told customers to "call the hotline at once" and gave no number."""
    settings.DEBUG, settings.BANK_HOTLINE = False, ""
    assert "integrations.W006" in _ids()
    settings.BANK_HOTLINE = "1900 1234"
    assert "integrations.W006" not in _ids()
