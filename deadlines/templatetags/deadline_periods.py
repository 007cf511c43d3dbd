"""Deadline periods in words for the pages (`deadlines.wording`):

* `{{ row.period|period_in:row.unit }}`: "15 working days", a dash where the regime sets none;
* `{% binding_period_named "withdraw" processor_involved=True as deadline %}`: "the bank's commitment
  (72 hours)", or "the legal deadline (20 calendar days)" where the law's period times that work;
* `{% binding_periods_named_between "withdraw" since until processor_involved=True as deadline %}`: the
  same of the rules as they stood in `[since, until)` (a past month's report), each in turn if changed.
"""

from __future__ import annotations

from django import template

from deadlines.wording import binding_period_named, binding_periods_named_between, period_in_words

register = template.Library()
register.filter("period_in", period_in_words)
register.simple_tag(binding_period_named)
register.simple_tag(binding_periods_named_between)
