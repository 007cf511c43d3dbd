"""The bar of the unusual-access sweep (`UNUSUAL_ACCESS_CUSTOMERS`) is checked at start-up: at 0 or
less every staff member who looked at anyone, or no one, would be recorded and reported to the DPOs
every hour, burying the one walk through customers the sweep is for."""

from __future__ import annotations

import pytest
from django.core.checks import registry

from audit.checks import unusual_access_customers_check


def test_the_check_runs_at_every_start():
    assert unusual_access_customers_check in registry.registry.get_checks()


@pytest.mark.parametrize("customers", [0, -5, 2.5, "50", True])
def test_a_bar_that_is_not_a_whole_number_above_zero_stops_the_node(settings, customers):
    settings.UNUSUAL_ACCESS_CUSTOMERS = customers
    (error,) = unusual_access_customers_check()
    assert error.id == "audit.E002" and "UNUSUAL_ACCESS_CUSTOMERS" in error.msg


@pytest.mark.parametrize("customers", [1, 50])
def test_one_customer_or_more_passes(settings, customers):
    settings.UNUSUAL_ACCESS_CUSTOMERS = customers
    assert unusual_access_customers_check() == []
