"""The bank's name on the regulator report and the proof bundle (`BANK_NAME`): a variable set but empty
(`BANK_NAME=` in a deployment's env file) printed an empty name; it falls back as an unset one does, to
the name the bank files with A05 under (`REGULATOR_ORG_NAME`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

FILED_NAME = "Ngân hàng TMCP Đông Á"
SET_NAME = "Ngân hàng Thử Nghiệm"
PRINT_BANK_NAME = "from django.conf import settings; print(settings.BANK_NAME)"


def _bank_name_read(**variables: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "BANK_NAME" and not k.startswith("REGULATOR_ORG_")}
    env.update({"REDIS_URL": "", "PYTHONIOENCODING": "utf-8", **variables})
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT_BANK_NAME],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    return shown.stdout.strip()


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_bank_name_falls_back_as_an_unset_one(empty):
    assert _bank_name_read(BANK_NAME=empty, REGULATOR_ORG_NAME=FILED_NAME) == FILED_NAME
    assert _bank_name_read(REGULATOR_ORG_NAME=FILED_NAME) == FILED_NAME


def test_a_bank_name_set_is_the_one_printed():
    assert _bank_name_read(BANK_NAME=SET_NAME, REGULATOR_ORG_NAME=FILED_NAME) == SET_NAME
