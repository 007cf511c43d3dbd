"""The figures each fault test reports, printed as one table per fault at the end of the run
(`tests/reliability/conftest.py`), so a CI log shows what held and by how much."""
from __future__ import annotations

from dataclasses import dataclass

from audit.selectors import audit_chain_verify


@dataclass
class FaultFigures:
    fault: str
    operations: int = 0
    successes: int = 0
    server_errors: int = 0  # 5xx answers (503 during an outage is the expected one)
    notices_expected: int = 0
    notices_delivered: int = 0
    duplicates_acted_on: int = 0
    audit_verify: str = "not run"
    note: str = ""


REPORTED: list[FaultFigures] = []


def report(figures: FaultFigures) -> FaultFigures:
    REPORTED.append(figures)
    return figures


def audit_verdict() -> str:
    """`verify_audit`'s verdict on the test database, as the table shows it."""
    result = audit_chain_verify()
    return f"intact ({result.entries} entries)" if result.valid else f"BROKEN at {result.first_invalid}"


def duplicates(processed: list[str]) -> int:
    """Deliveries a receiver acted on more than once."""
    return len(processed) - len(set(processed))


ROWS = [
    ("operations", "operations"),
    ("successes", "successes"),
    ("5xx", "server_errors"),
    ("notices expected", "notices_expected"),
    ("notices delivered", "notices_delivered"),
    ("duplicates acted on", "duplicates_acted_on"),
    ("audit verify", "audit_verify"),
]


def tables() -> list[str]:
    lines = []
    for figures in REPORTED:
        lines.append(f"fault: {figures.fault}")
        for label, attribute in ROWS:
            lines.append(f"  {label:<22} {getattr(figures, attribute)}")
        if figures.note:
            lines.append(f"  {'note':<22} {figures.note}")
    return lines
