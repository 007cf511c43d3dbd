"""Who files with A05 comes from the environment (REGULATOR_ORG_*, REGULATOR_DPO_*): in production
Form 08 named the demo bank and dpo@example.vn, as no variable could set it. The demo's values stand
in only with DEMO on, and `manage.py check` stops a production node where they are not set."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings

from regulator import services
from regulator.checks import check_regulator_organisation_set
from regulator.organisation import organisation
from tests.regulator.factories import DPO, make_breach, make_inventory

BANK = {
    "name": "Ngân hàng TMCP Đông Á",
    "registration_number": "0300000001",
    "address": "130 Phan Đăng Lưu, Phú Nhuận, TP. Hồ Chí Minh",
    "dpo_name": "Nguyễn Văn An",
    "dpo_email": "dpo@dongabank.com.vn",
    "dpo_phone": "+84 28 0000 0001",
}


def test_production_names_no_demo_bank_when_unset(settings):
    settings.DEMO, settings.REGULATOR_ORGANISATION = False, {}
    assert "(demo)" not in organisation()["name"]
    assert not organisation()["dpo_email"].endswith("example.vn")


def test_the_demo_keeps_its_bank(settings):
    settings.DEMO, settings.REGULATOR_ORGANISATION = True, {}
    assert organisation()["name"].endswith("(demo)")


@pytest.mark.django_db
def test_form08_names_the_bank_the_environment_sets(settings):
    settings.DEMO, settings.REGULATOR_ORGANISATION = False, BANK
    make_inventory()
    breach = make_breach()
    notified_at = breach.detected_at + timedelta(hours=2)
    phase = services.breach_notify(actor=DPO, breach_id=breach.pk, now=notified_at)
    assert phase.document["organisation"]["name"] == BANK["name"]
    assert phase.document["dpo_contact"]["email"] == BANK["dpo_email"]


def test_check_errors_in_production_while_the_bank_is_unset(settings):
    settings.DEMO = False
    settings.REGULATOR_ORGANISATION = {**BANK, "dpo_email": ""}
    (error,) = check_regulator_organisation_set()
    assert error.id == "regulator.E001" and "REGULATOR_DPO_EMAIL" in error.msg
    settings.REGULATOR_ORGANISATION = BANK
    assert check_regulator_organisation_set() == []


def test_check_is_quiet_in_the_demo(settings):
    settings.DEMO, settings.REGULATOR_ORGANISATION = True, {}
    assert check_regulator_organisation_set() == []


def _manage_check(**variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGULATOR_ORG_", "REGULATOR_DPO_"))}
    env.update({"DEMO": "false", "REDIS_URL": "", **variables})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_check_reads_the_bank_from_the_environment():
    refused = _manage_check(REGULATOR_ORG_NAME=BANK["name"])
    assert refused.returncode != 0 and "regulator.E001" in refused.stderr, refused.stdout + refused.stderr
    assert "REGULATOR_DPO_EMAIL" in refused.stderr and "REGULATOR_ORG_NAME" not in refused.stderr
    variables = dict(zip(django_settings.REGULATOR_ORGANISATION_ENV.values(), BANK.values(), strict=True))
    passed = _manage_check(**variables)
    assert "regulator.E001" not in passed.stdout + passed.stderr


def _settings_value(name: str, **variables: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REGULATOR_ORG_", "REGULATOR_DPO_")) and k != "BANK_NAME"}
    env.update({"DEMO": "false", "REDIS_URL": "", **variables})
    shown = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    return shown.stdout.strip()


def test_the_monthly_report_and_proof_bundle_name_the_bank_the_filings_name():
    """BANK_NAME (the monthly report, the proof bundle's controller) defaulted to the demo bank even
    where REGULATOR_ORG_NAME named the real one: a bank that set the six variables E001 asks for
    sent its inspector papers in the demo bank's name."""
    assert _settings_value("BANK_NAME", REGULATOR_ORG_NAME=BANK["name"]) == BANK["name"]
    assert _settings_value("BANK_NAME", REGULATOR_ORG_NAME=BANK["name"], BANK_NAME="VietBank") == "VietBank"


@pytest.mark.parametrize("typed", ["dpo.phuongnambank.vn", "dpo@", "Nguyễn Văn An"])
def test_check_errors_in_production_while_the_dpo_email_is_no_address(settings, typed):
    """A second bank's DPO e-mail mistyped in the environment went on Form 08 to A05 as typed: the
    authority's answers went nowhere. A node now stops naming the variable, as for one unset."""
    settings.DEMO = False
    settings.REGULATOR_ORGANISATION = {**BANK, "dpo_email": typed}
    (error,) = check_regulator_organisation_set()
    assert error.id == "regulator.E002" and "REGULATOR_DPO_EMAIL" in error.msg and typed in error.msg
