"""The long API fuzzing run: schemathesis against /api/schema/ with every caller's token.

    python bench/fuzz_api.py                      # 50 generated requests per operation, random seed,
                                                  # plus schemathesis' coverage phase (every boundary)
    python bench/fuzz_api.py --examples 200 --no-coverage
    DATABASE_URL=postgres://… TEST_DATABASE_NAME=test_fuzz python bench/fuzz_api.py

It runs the same test as the suite's bounded run (tests/security/test_fuzz_api.py, WSGI mode, no
server, a throw-away test database), only longer and with a fresh random seed each time. Exit status 0
means: no 5xx and every documented response matched the schema, for every caller (anonymous,
customers A and B, each staff role, the integration client with and without scopes).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--examples", type=int, default=50, help="generated requests per operation (default 50)"
    )
    parser.add_argument("--no-coverage", action="store_true", help="skip the coverage phase")
    parser.add_argument("-k", dest="select", default="", help="only operations matching, e.g. 'consents'")
    args = parser.parse_args()
    os.environ["FUZZ_EXAMPLES"] = str(args.examples)
    os.environ["FUZZ_RANDOM"] = "1"
    os.environ["FUZZ_COVERAGE"] = "0" if args.no_coverage else "1"
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import pytest

    pytest_args = ["-q", "-p", "no:cacheprovider", "-m", "fuzz", "tests/security/test_fuzz_api.py"]
    if args.select:
        pytest_args += ["-k", args.select]
    started = time.monotonic()
    status = pytest.main(pytest_args)
    print(f"fuzz_api: {args.examples} examples per operation, coverage phase "
          f"{'off' if args.no_coverage else 'on'}, {time.monotonic() - started:.0f} s, exit {int(status)}")
    return int(status)


if __name__ == "__main__":
    raise SystemExit(main())
