"""The stored day reports hold every figure the tally counts: the table was made from a frozen
list of columns (store/reports.py), and later migrations must keep it in step with core's."""

from __future__ import annotations

from queue_server.core.reports.tally import COUNTS, HISTS, MAXIMA
from queue_server.store import Store


def test_report_days_has_a_column_for_every_tally_field(tmp_path):
    store = Store(tmp_path / "hall.db")
    columns = {c.name: c.type for c in store.db["report_days"].columns}
    missing = [f for f in COUNTS + MAXIMA if f not in columns]
    assert not missing, missing
    for name in HISTS:
        assert columns.get(name) == "BLOB", (name, columns.get(name))
