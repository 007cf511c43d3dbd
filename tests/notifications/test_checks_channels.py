"""The bank's default channels (`NOTIFY_DEFAULT_CHANNELS`) are checked at start-up: a misspelt one
("mail" for "email") was skipped without a word, and every customer who had not chosen got their
withdrawal confirmations and request answers in the in-app inbox only. A fallback after 0 attempts
gave up on a channel before trying it."""

from __future__ import annotations

import pytest
from django.core.checks import registry

from notifications.checks import default_channels_check


def _ids() -> set[str]:
    return {message.id for message in default_channels_check()}


def test_the_check_runs_at_every_start():
    assert default_channels_check in registry.registry.get_checks()


@pytest.mark.parametrize("channels", [["mail", "sms"], ["email", "zalo"]])
def test_an_unknown_default_channel_stops_the_node(settings, channels):
    settings.NOTIFY_DEFAULT_CHANNELS = channels
    (error,) = default_channels_check()
    assert error.id == "notifications.E001" and "NOTIFY_DEFAULT_CHANNELS" in error.msg


def test_a_fallback_before_any_attempt_stops_the_node(settings):
    settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS = 0
    assert "notifications.E002" in _ids()


def test_the_defaults_pass(settings):
    settings.NOTIFY_DEFAULT_CHANNELS, settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS = ["email", "sms", "inbox"], 2
    assert _ids() == set()
