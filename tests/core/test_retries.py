"""What background work keeps of a failure (`core.retries`): the error's kind and the platform's line it
came from, never its message; and the doubling wait before the next try."""

from __future__ import annotations

import json
from datetime import timedelta

from core.errors import Conflict
from core.retries import SUMMARY_LENGTH, doubling_wait, error_summary


def _raised(function) -> BaseException:
    try:
        function()
    except Exception as error:
        return error
    raise AssertionError("nothing raised")


def _parse_bad_json():
    json.loads("{'email': 'tran.thi.b@example.vn'}")


def test_the_summary_names_the_kind_and_the_platform_line_never_the_message():
    summary = error_summary(_raised(_parse_bad_json))
    # The standard library raised it; the summary points at the platform's code that called it.
    assert summary.startswith("JSONDecodeError at tests/core/test_retries.py:")
    assert summary.endswith(" in _parse_bad_json")
    assert "example.vn" not in summary


def test_a_domain_error_keeps_its_code():
    def refuse():
        raise Conflict("Khách hàng 0912345678", code="not_effective")

    summary = error_summary(_raised(refuse))
    assert summary.startswith("Conflict (not_effective) at tests/core/test_retries.py:")
    assert "0912345678" not in summary


def test_an_error_never_raised_has_only_its_kind():
    assert error_summary(ValueError("a@example.vn")) == "ValueError"
    assert len(error_summary(type("E" * 300, (Exception,), {})())) == SUMMARY_LENGTH


def test_the_wait_doubles_up_to_the_longest():
    first, longest = timedelta(minutes=1), timedelta(hours=6)
    waits = [doubling_wait(n, first=first, longest=longest) for n in (0, 1, 2, 3, 9, 10, 500)]
    assert waits == [first, first, 2 * first, 4 * first, 256 * first, longest, longest]
