"""A report's period is one rule (core.reports.summary.check_period) for the hall reports and
the rating summary: the start not after the end, at most so many days."""

from datetime import date, timedelta

import pytest

from queue_server.core.errors import InvalidField
from queue_server.core.reports.summary import check_period

START = date(2026, 1, 1)


def test_a_period_up_to_the_limit_passes():
    check_period(START, START, 1)
    check_period(START, START + timedelta(days=365), 366)


@pytest.mark.parametrize(
    "day_to, max_days, field, params",
    [
        (START - timedelta(days=1), 366, "from", {}),
        (START + timedelta(days=366), 366, "to", {"days": 366}),
        (START + timedelta(days=1), 1, "to", {"days": 1}),
    ],
)
def test_a_wrong_period_names_its_field(day_to, max_days, field, params):
    with pytest.raises(InvalidField) as exc:
        check_period(START, day_to, max_days)
    assert exc.value.field == field
    assert {k: v for k, v in exc.value.params.items() if k != "field"} == params
