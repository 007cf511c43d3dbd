"""Settings for the benchmarks: the platform's own, except that smoke runs (tiny data, BENCH_SMOKE=1,
`bench/run.py --smoke`) hash the passwords of the accounts they create with a fast hasher, as the
test suite does: PBKDF2 costs about a second per account (seed_demo creates eight), and no smoke
figure is about passwords. Full runs keep the platform's hashers."""

import os

from config.settings import *  # noqa: F403

if os.environ.get("BENCH_SMOKE") == "1":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
