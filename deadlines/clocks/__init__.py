"""The deadline machinery: a registry of clock sources (`sources`) and the sweeper that reminds and
marks breaches (`sweep`), the recording of a missed deadline (`missed`); import from here."""

from deadlines.clocks.missed import breaches_due, deadline_missed_record
from deadlines.clocks.sources import (
    ITEM_COLUMNS,
    ClockSource,
    clock_columns,
    clock_labels,
    clock_source,
    clock_sources,
    register_clock_source,
    short_id,
)
from deadlines.clocks.sweep import (
    SweepResult,
    deadlines_sweep,
    reminder_thresholds,
    reminders_due,
)

__all__ = [
    "ITEM_COLUMNS",
    "ClockSource",
    "SweepResult",
    "breaches_due",
    "clock_columns",
    "clock_labels",
    "clock_source",
    "clock_sources",
    "deadline_missed_record",
    "deadlines_sweep",
    "register_clock_source",
    "reminder_thresholds",
    "reminders_due",
    "short_id",
]
