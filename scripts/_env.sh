# Shared by scripts/run and scripts/test: a project virtualenv with pinned dependencies and a .env
# with generated secrets. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 is required (Debian 12: apt-get install python3 python3-venv)." >&2
  return 1
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# Debian ships venv and ensurepip apart from Python itself.
can_make_venv() { "$1" -m venv --help >/dev/null 2>&1 && "$1" -c 'import ensurepip' >/dev/null 2>&1; }

# Install what is missing when we may.
ensure_system_packages() {
  local python="$1"
  if ! can_make_venv "$python"; then
    echo "==> installing python3-venv"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  fi
}

# $1: extras to install ("" or "test"). Reinstalls only when pyproject.toml changed.
ensure_venv() {
  local extras="$1" python stamp wanted
  python="$(find_python)"
  ensure_system_packages "$python"
  [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
  stamp="$VENV/.installed"
  wanted="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)-$extras"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "==> installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    local spec="$ROOT"; [ -n "$extras" ] && spec="$ROOT[$extras]"
    "$VENV/bin/python" -m pip install -q -e "$spec"
    echo "$wanted" > "$stamp"
  fi
}

# A .env with fresh secrets on first run; an existing one is never overwritten (keys must persist,
# or encrypted data becomes unreadable).
ensure_dotenv() {
  if [ -f "$ROOT/.env" ]; then
    # A .env from before the audit trail's keyed MAC gets that key added; nothing else changes.
    grep -q '^AUDIT_MAC_KEY=' "$ROOT/.env" || \
      echo "AUDIT_MAC_KEY=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))')" >> "$ROOT/.env"
    # A demo's .env from before DEMO existed (two-factor sign-in off, as scripts/run wrote it) says it is
    # the demo: seed_demo refuses any other installation.
    if ! grep -q '^DEMO=' "$ROOT/.env" && grep -q '^STAFF_2FA_REQUIRED=false' "$ROOT/.env"; then
      echo "DEMO=true" >> "$ROOT/.env"
    fi
    # A demo's .env from before webhooks were held to the internet keeps its receivers on this machine.
    if grep -q '^DEMO=true' "$ROOT/.env" && ! grep -q '^WEBHOOK_ALLOW_PRIVATE_ADDRESSES=' "$ROOT/.env"; then
      echo "WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true" >> "$ROOT/.env"
    fi
    return 0
  fi
  echo "==> writing $ROOT/.env with generated secrets"
  "$VENV/bin/python" - "$ROOT/.env" <<'PY'
import secrets, sys
from cryptography.fernet import Fernet
with open(sys.argv[1], "x") as env:
    env.write(f"SECRET_KEY={secrets.token_urlsafe(50)}\n")
    env.write(f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}\n")
    env.write(f"BLIND_INDEX_KEY={secrets.token_urlsafe(48)}\n")
    env.write(f"AUDIT_MAC_KEY={secrets.token_urlsafe(48)}\n")
    env.write("DEBUG=false\n")
    env.write("STAFF_2FA_REQUIRED=false\n")
    env.write("DEMO=true\n")
    # The demo's webhook receivers run on this machine (127.0.0.1); production refuses such addresses.
    env.write("WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true\n")
PY
  chmod 600 "$ROOT/.env"
}
