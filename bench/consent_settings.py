"""Settings for the consent benchmarks: the benchmarks' settings (bench/settings.py) plus a tiny
baseline view (bench.consent_urls)."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.consent_urls"
