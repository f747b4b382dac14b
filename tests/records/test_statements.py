"""制式清单 that can be checked (§8.1.3): the content matches the records, the code is stored as
printed, and /v/<code> tells a genuine paper from an altered, unknown or expired one."""

from __future__ import annotations

import re
import sqlite3
from html import unescape

import pytest

from queue_server.core.insurance import money_grouped
from queue_server.core.statements import new_code, normalize_code
from queue_server.records.provider import IdCard

from .conftest import kiosk, password_login

STATEMENTS = "/api/v1/citizen/statements"


@pytest.fixture
def session(client, kiosk_token, people):
    token = password_login(client, kiosk_token, people[0])["token"]
    return kiosk(client, kiosk_token, token)


def make(client, session, **body) -> dict:
    r = client.post(STATEMENTS, headers=session, json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def page(client, code: str):
    r = client.get(f"/v/{code}")
    return r.status_code, unescape(r.data.decode())


def cells(html: str) -> list[str]:
    return re.findall(r"<td>([^<]*)</td>", html)


def test_a_certificate_sums_the_records(client, session, hall, people, clock):
    made = make(
        client, session, kind="contribution_certificate", **{"from": "2016-01", "to": "2025-12"}
    )
    assert made["title"] == "社会保险参保缴费证明"
    assert made["name_masked"] == people[0].name[0] + "*" * (len(people[0].name) - 1)
    assert made["period"] == "2016-01～2025-12"
    person = hall.records.verify(IdCard(people[0].id_number, people[0].name), clock())
    months = [
        m for m in hall.records.contributions(person, "2016-01", "2025-12") if m.state != "arrears"
    ]
    totals = dict(made["totals"])
    assert totals["期间个人缴费合计"] == money_grouped(sum(m.personal for m in months))
    assert totals["期间单位缴费合计"] == money_grouped(sum(m.unit for m in months))
    assert sum(int(row[2]) for row in made["rows"] if row[1] == "养老保险") == sum(
        1 for m in months if m.insurance == "pension"
    )
    assert totals["养老保险"].startswith("参保缴费")
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){3}", made["verification_code"])
    assert made["verify_url"] == f"http://hall.test:8080/v/{made['verification_code']}"
    assert made["expires_on"] == "2027-05-23"  # 180 days after 2026-11-24
    assert any(made["verification_code"] in line for line in made["footer"])


def test_an_annual_record_shows_the_account_year(client, session, hall, people, clock):
    made = make(client, session, kind="annual_record", year=2024)
    assert made["title"] == "个人权益记录单" and made["period"] == "2024"
    person = hall.records.verify(IdCard(people[0].id_number, people[0].name), clock())
    year = next(y for y in hall.records.account(person, clock().date()).years if y.year == 2024)
    totals = dict(made["totals"])
    assert totals["记账利率"] == "2.62%"  # published for 2024
    assert totals["本年利息"] == money_grouped(year.interest)
    assert totals["年末个人账户余额"] == money_grouped(year.closing)
    assert [row[0] for row in made["rows"]] == ["养老保险", "医疗保险", "失业保险", "工伤保险"]


def test_a_genuine_paper_is_confirmed_with_its_stored_figures(client, session, people):
    made = make(
        client, session, kind="contribution_certificate", **{"from": "2024-01", "to": "2024-12"}
    )
    status, html = page(client, made["verification_code"])
    assert status == 200
    assert 'data-status="genuine"' in html
    assert made["name_masked"] in html and made["id_masked"] in html
    assert made["issuer"] in html and "社会保险参保缴费证明" in html
    assert cells(html) == [cell for row in made["rows"] for cell in row]
    assert "2026-11-24 09:00" in html


def test_an_altered_figure_does_not_match(client, session):
    made = make(
        client, session, kind="contribution_certificate", **{"from": "2024-01", "to": "2024-12"}
    )
    paper = [list(row) for row in made["rows"]]
    paper[0][4] = "99,999.00"  # someone raised the personal contributions on the paper
    status, html = page(client, made["verification_code"])
    assert cells(html) != [cell for row in paper for cell in row]
    assert "99,999.00" not in html and made["rows"][0][4] in html


def test_an_altered_stored_row_fails_its_seal(client, session, db_path):
    made = make(client, session, kind="annual_record", year=2025)
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE statements SET content = replace(content, '2025', '2026')")
    # Someone with the file and sqlite3 drops the trigger and edits the figures.
    conn.execute("DROP TRIGGER statements_no_update")
    first = made["rows"][0][3]
    conn.execute("UPDATE statements SET content = replace(content, ?, ?)", [f'"{first}"', '"1.00"'])
    conn.commit()
    conn.close()
    status, html = page(client, made["verification_code"])
    assert status == 404 and 'data-status="damaged"' in html
    assert "1.00" not in cells(html)


def test_an_unknown_code_is_not_genuine(client, session):
    make(client, session, kind="annual_record", year=2025)
    for code in (new_code(), "ABCDE-FGHJK-MNPQR-STVWX", "not-a-code", "<script>"):
        status, html = page(client, code)
        assert status == 404 and 'data-status="unknown"' in html


def test_a_code_typed_with_o_for_zero_or_without_dashes_still_works(client, session):
    made = make(client, session, kind="annual_record", year=2025)
    code = made["verification_code"]
    typed = code.replace("-", "").lower().replace("0", "o").replace("1", "l")
    assert normalize_code(typed) == code.replace("-", "")
    assert 'data-status="genuine"' in page(client, typed)[1]


def test_an_expired_code_shows_no_figures(client, session, clock):
    made = make(client, session, kind="contribution_certificate")
    clock.advance(days=180)
    assert 'data-status="genuine"' in page(client, made["verification_code"])[1]  # last day
    clock.advance(days=1)
    status, html = page(client, made["verification_code"])
    assert status == 404 and 'data-status="expired"' in html
    assert made["name_masked"] not in html and not cells(html)


def test_the_code_lifetime_is_a_setting(settings, clock, people, db_path):
    import dataclasses

    from queue_server.web import create_app

    records = dataclasses.replace(settings.records, statement_days=30)
    app = create_app(
        dataclasses.replace(settings, records=records),
        db_path=db_path,
        clock=clock,
        test_config={"TESTING": True},
    )
    try:
        token = app.extensions["hall"].accounts.create_device("kiosk-9", "kiosk")
        client = app.test_client()
        s = kiosk(client, token, password_login(client, token, people[0])["token"])
        assert make(client, s, kind="annual_record", year=2025)["expires_on"] == "2026-12-24"
    finally:
        app.extensions["hall"].close()


def test_only_masked_data_is_stored(client, session, db_path, people):
    make(client, session, kind="contribution_certificate", **{"from": "1996-01", "to": "2026-11"})
    conn = sqlite3.connect(db_path)
    stored = " ".join(r[0] for r in conn.execute("SELECT content FROM statements"))
    codes = [r[0] for r in conn.execute("SELECT code_hash FROM statements")]
    conn.close()
    assert people[0].id_number not in stored and people[0].name not in stored
    assert all(re.fullmatch(r"[0-9a-f]{64}", c) for c in codes)  # the code itself is on paper only


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "bank_statement"}, "kind"),
        ({"kind": "contribution_certificate", "from": "2025-06", "to": "2025-01"}, "to"),
        ({"kind": "contribution_certificate", "from": "2025-01", "to": "2027-01"}, "to"),
        ({"kind": "contribution_certificate", "from": "1960-01", "to": "2026-11"}, "from"),
        ({"kind": "annual_record", "year": 2030}, "year"),
        ({"kind": "annual_record", "year": "last"}, "year"),
    ],
)
def test_bad_requests_name_the_field(client, session, body, field):
    r = client.post(STATEMENTS, headers=session, json=body)
    assert r.status_code == 422 and r.get_json()["error"]["field"] == field


def test_a_statement_needs_a_live_session(client, kiosk_token):
    r = client.post(
        STATEMENTS,
        headers=kiosk(client, kiosk_token, "made-up"),
        json={"kind": "annual_record", "year": 2025},
    )
    assert r.status_code == 401
