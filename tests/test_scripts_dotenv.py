"""scripts/run keeps the demo's `.env`; an old one is brought up to date when the demo starts again, so
that `./scripts/run` on an earlier checkout still seeds its demo (seed_demo seeds DEMO=true only)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings

ENSURE_DOTENV = 'source "$SCRIPTS/_env.sh"; ROOT="$DEMO_ROOT"; ensure_dotenv'


def _ensure_dotenv(root: Path) -> str:
    scripts = Path(settings.BASE_DIR) / "scripts"
    subprocess.run(
        ["bash", "-c", ENSURE_DOTENV], check=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "SCRIPTS": str(scripts), "DEMO_ROOT": str(root)},
    )
    return (root / ".env").read_text()


def test_an_old_demo_env_whose_user_turned_two_factor_back_on_still_starts_the_demo(tmp_path):
    (tmp_path / ".env").write_text("SECRET_KEY=x\nAUDIT_MAC_KEY=y\nSTAFF_2FA_REQUIRED=true\n")

    assert "DEMO=true" in _ensure_dotenv(tmp_path).splitlines()


def test_an_old_demo_env_from_before_two_factor_was_written_still_starts_the_demo(tmp_path):
    (tmp_path / ".env").write_text("SECRET_KEY=x\nAUDIT_MAC_KEY=y\n")

    assert "DEMO=true" in _ensure_dotenv(tmp_path).splitlines()


def test_a_dotenv_that_says_it_is_not_the_demo_is_left_so(tmp_path):
    (tmp_path / ".env").write_text("SECRET_KEY=x\nAUDIT_MAC_KEY=y\nDEMO=false\n")

    assert _ensure_dotenv(tmp_path).splitlines() == ["SECRET_KEY=x", "AUDIT_MAC_KEY=y", "DEMO=false"]
