"""Settings for the consent benchmarks: the real settings plus a tiny baseline view (bench.consent_urls)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.consent_urls"
