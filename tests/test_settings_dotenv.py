"""The test run never reads the project's `.env`: `scripts/run` writes one for the demo (with
two-factor sign-in off), and the suite must behave the same with or without it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

SETTINGS_PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'2fa': s.STAFF_2FA_REQUIRED, 'site': s.SITE_URL}))"
)


def test_a_dotenv_in_the_project_root_changes_nothing_under_pytest(tmp_path):
    dotenv = settings.BASE_DIR / ".env"
    written = not dotenv.exists()
    if written:
        # What scripts/run writes, plus a value the test can recognise.
        dotenv.write_text("STAFF_2FA_REQUIRED=false\nSITE_URL=https://from-dotenv.invalid\n")
    try:
        overridden = {"STAFF_2FA_REQUIRED", "SITE_URL"}
        environment = {name: value for name, value in os.environ.items() if name not in overridden}
        probe = subprocess.run(  # the settings of a fresh process started the way pytest starts
            [sys.executable, "-c", SETTINGS_PROBE], cwd=settings.BASE_DIR, env=environment,
            capture_output=True, text=True, timeout=120, check=True,
        )
    finally:
        if written:
            dotenv.unlink()
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen == {"2fa": True, "site": "http://localhost:8000"}
