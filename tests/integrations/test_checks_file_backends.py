"""`check --deploy` warns while e-mails and SMS are written as files under VAR_DIR (the embedded
defaults): in production they would keep customers' addresses and messages on disk, unsent and out of
reach of the erasure and the outbox's purge (docs/deployment.md)."""

from __future__ import annotations

import pytest
from django.core.checks import registry

from integrations.checks import FILE_EMAIL_BACKEND, file_backends_check, site_url_check


def _deploy_warnings() -> set[str]:
    return {message.id for message in [*file_backends_check(), *site_url_check()]}


@pytest.mark.parametrize("check", [file_backends_check, site_url_check])
def test_the_check_runs_with_check_deploy_only(check):
    assert check in registry.registry.get_checks(include_deployment_checks=True)
    assert check not in registry.registry.get_checks()


def test_deploy_check_warns_while_mail_and_sms_go_to_files(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND, settings.SMS_GATEWAY_URL = FILE_EMAIL_BACKEND, ""
    assert {"integrations.W001", "integrations.W002"} <= _deploy_warnings()


def test_deploy_check_is_quiet_with_a_mail_server_and_an_sms_gateway(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SMS_GATEWAY_URL = "https://sms.bank.example/send"
    assert not {"integrations.W001", "integrations.W002"} & _deploy_warnings()


def test_no_warning_on_a_development_machine(settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND, settings.SMS_GATEWAY_URL = FILE_EMAIL_BACKEND, ""
    assert not {"integrations.W001", "integrations.W002"} & _deploy_warnings()


def test_deploy_check_warns_while_links_would_lead_to_localhost(settings):
    """SITE_URL's default is the development server: customers would be sent links to their own
    machine."""
    settings.DEBUG = False
    settings.SITE_URL = "http://localhost:8000"
    assert "integrations.W003" in _deploy_warnings()
    settings.SITE_URL = "https://portal.bank.example"
    assert "integrations.W003" not in _deploy_warnings()
