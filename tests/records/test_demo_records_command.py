"""``queue-server demo-records`` and the demo hall's records database: what a newcomer reads
works at the kiosk — the printed ID numbers, query passwords and e-SSC code."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from queue_server.cli import main
from queue_server.core.numbering import HALL_TZ
from queue_server.demo import ensure_demo_records
from queue_server.records.provider import EsscCode, QueryPassword
from queue_server.records.sqlite_provider import SqliteProvider

from ..conftest import EXAMPLE_CONFIG


def test_the_command_prints_people_who_can_log_in(tmp_path, capsys):
    out = tmp_path / "records.db"
    assert (
        main(
            [
                "demo-records",
                "--config",
                str(EXAMPLE_CONFIG),
                "--people",
                "40",
                "--seed",
                "5",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "虚构" in text and "fictitious" in text
    people = re.findall(r"^  (\S+)\s+(\d{17}[\dX])\s+(\d{6})\s", text, re.M)
    assert len(people) == 5
    code = re.search(r"^  (ESSC1\.\S+)$", text, re.M).group(1)
    provider = SqliteProvider(out)
    try:
        now = datetime.now(HALL_TZ)
        for name, number, password in people:
            assert provider.verify(QueryPassword(number, password), now).name == name
        assert provider.verify(EsscCode(code), now).id_number == people[0][1]
    finally:
        provider.close()


def test_a_bad_count_is_refused_plainly(tmp_path, capsys):
    assert (
        main(
            [
                "demo-records",
                "--config",
                str(EXAMPLE_CONFIG),
                "--people",
                "0",
                "--out",
                str(tmp_path / "r.db"),
            ]
        )
        == 2
    )
    assert "--people" in capsys.readouterr().err


def test_the_demo_hall_makes_its_records_once(settings, tmp_path):
    records = dataclasses.replace(settings.records, db=str(tmp_path / "demo" / "records.db"))
    settings = dataclasses.replace(settings, records=records)
    path, first = ensure_demo_records(settings)
    assert path.exists() and len(first) == 5
    stamp = path.stat().st_mtime_ns
    again = ensure_demo_records(settings)[1]
    assert path.stat().st_mtime_ns == stamp  # kept, not generated again
    assert [(p.id_number, p.name, p.password) for p in again] == [
        (p.id_number, p.name, p.password) for p in first
    ]


def test_no_demo_records_for_an_http_hall(settings):
    records = dataclasses.replace(settings.records, provider="http", base_url="https://x.test/api")
    assert ensure_demo_records(dataclasses.replace(settings, records=records)) is None


def test_the_people_the_readme_names_exist(tmp_path):
    """README.md lists demo people (seed 1): each can verify with the password it shows."""
    from datetime import date

    from queue_server.records.demo_people import generate

    from ..conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| (\S+) \| `(\d{17}[\dX])` \| `(\d{6})` \|", readme, re.M)
    assert len(listed) == 5
    made = generate(tmp_path / "r.db", 5, seed=1, today=date(2026, 11, 24))
    assert [(p.name, p.id_number, p.password) for p in made] == listed
    english = re.findall(r"(\S+)\s+`(\d{17}[\dX])`\s+(?:password\s+)?`(\d{6})`", readme)
    assert english == listed
