"""The pure rules (core/citizen.py, core/statements.py, core/insurance.py), the arithmetic of the
records database (records/accrual.py), the demo people and the demo e-SSC code."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from queue_server.core import citizen as rules
from queue_server.core.errors import InvalidField
from queue_server.core.idnumber import validate_id_number
from queue_server.core.insurance import money, money_grouped, month_index, parse_money, rate_text
from queue_server.core.numbering import HALL_TZ
from queue_server.core.statements import ALPHABET, new_code, normalize_code
from queue_server.records import essc
from queue_server.records.accrual import RateTable, Spell, account_years, expand
from queue_server.records.demo_people import AVG_WAGE, avg_wage_fen, generate
from queue_server.records.errors import NotVerified
from queue_server.services.citizen import open_ref, seal_ref

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ)
POLICY = rules.CitizenPolicy()


@pytest.mark.parametrize(
    "created, seen, now, reason",
    [
        (0, 0, 119, None),
        (0, 0, 120, "idle"),
        (0, 500, 599, None),
        (0, 500, 600, "absolute"),
        (0, 590, 700, "absolute"),
    ],
)
def test_session_end(created, seen, now, reason):
    at = lambda s: T0 + timedelta(seconds=s)  # noqa: E731
    assert rules.session_end_reason(at(created), at(seen), at(now), POLICY) == reason


def test_session_expiry_is_the_earlier_limit():
    assert rules.session_expires_at(T0, T0, POLICY) == T0 + timedelta(seconds=120)
    late = T0 + timedelta(seconds=550)
    assert rules.session_expires_at(T0, late, POLICY) == T0 + timedelta(minutes=10)


def test_card_dates():
    today = date(2026, 11, 24)
    assert rules.card_in_date(date(2016, 11, 24), date(2026, 11, 24), today)  # its last day
    assert not rules.card_in_date(date(2006, 11, 24), date(2026, 11, 23), today)
    assert not rules.card_in_date(date(2026, 11, 25), None, today)
    assert rules.card_in_date(None, None, today)  # 长期
    assert rules.parse_card_date("20360501", "f") == date(2036, 5, 1)
    assert rules.parse_card_date("长期", "f") is None
    for bad in ("2036-02-30", "tomorrow", None, 20360501):
        with pytest.raises(InvalidField):
            rules.parse_card_date(bad, "f")


def test_kiosk_slowing_doubles_up_to_the_cap():
    delays = [rules.kiosk_delay(n, POLICY).total_seconds() for n in range(9, 18)]
    assert delays == [0, 5, 10, 20, 40, 80, 160, 300, 300]
    last = T0
    assert rules.kiosk_retry_at(11, last, T0 + timedelta(seconds=9), POLICY) == T0 + timedelta(
        seconds=10
    )
    assert rules.kiosk_retry_at(11, last, T0 + timedelta(minutes=31), POLICY) is None


def test_password_and_check_formats():
    assert rules.parse_password("012345") == "012345"
    for bad in ("12345", "1234567", "12345a", 123456, None):
        with pytest.raises(InvalidField):
            rules.parse_password(bad)
    assert rules.parse_case_check("123x") == "123X"
    with pytest.raises(InvalidField):
        rules.parse_case_check("12X4")


def test_failures_count_for_one_day():
    today = date(2026, 11, 24)
    assert rules.failures_today("2026-11-24", 4, today) == 4
    assert rules.failures_today("2026-11-23", 4, today) == 0
    assert rules.subject_locked(5, POLICY) and not rules.subject_locked(4, POLICY)


def test_id_digest_is_keyed():
    number = "110105197605175298"
    assert rules.id_digest(b"a", number) != rules.id_digest(b"b", number)
    assert number not in rules.id_digest(b"a", number)


def test_verification_codes():
    rng = random.Random(1)
    codes = {new_code(rng.randrange) for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:200]:
        raw = code.replace("-", "")
        assert len(raw) == 20 and set(raw) <= set(ALPHABET)
        assert normalize_code(code) == raw
        for i in range(19):  # one mistyped character is noticed (check character)
            other = ALPHABET[(ALPHABET.index(raw[i]) + 1 + rng.randrange(30)) % 32]
            assert normalize_code(raw[:i] + other + raw[i + 1 :]) is None
    assert normalize_code("ABCDE") is None and normalize_code(None) is None


def test_money_is_exact():
    assert money(123456) == "1234.56" and money(5) == "0.05" and money(-150) == "-1.50"
    assert money_grouped(123456789) == "1,234,567.89"
    for fen in (0, 5, 99, 100, 123456, 10**12):
        assert parse_money(money(fen)) == fen
    assert parse_money("8.3") == 830 and parse_money(12) == 1200
    for bad in ("1,000.00", "1.234", "abc", 1.5, True, None):
        with pytest.raises(ValueError):
            parse_money(bad)
    assert rate_text(262) == "2.62%" and rate_text(None) == ""


def test_contributions_follow_the_rate_in_force_each_month():
    rates = RateTable(
        [
            ("pension", "unit", month_index(1992, 1), 2000, 800, 800),
            ("pension", "unit", month_index(2019, 5), 1600, 800, 800),
            ("injury", "unit", month_index(2004, 1), None, 0, 0),
        ]
    )
    spell = Spell(
        month_index(2019, 4), month_index(2019, 5), "某公司", 160, 1_000_000, "paid", "pi"
    )
    months = expand([spell], rates, 0, 10**6)
    assert [(m.month, m.insurance, m.unit, m.personal) for m in months] == [
        ("2019-04", "pension", 200_000, 80_000),
        ("2019-04", "injury", 16_000, 0),
        ("2019-05", "pension", 160_000, 80_000),
        ("2019-05", "injury", 16_000, 0),
    ]


def test_account_interest_is_the_published_formula():
    # 2024: opening 10,000.00, credits 1,200.00 at 2.62 %:
    # 10,000 × 2.62 % + 1,200 × 2.62 % × 1.083 / 2 = 262.00 + 17.02 = 279.02
    years = account_years({2023: 1_000_000, 2024: 120_000}, {2023: 0, 2024: 262}, 2025)
    assert [(y.year, y.opening, y.credits, y.interest, y.closing) for y in years] == [
        (2023, 0, 1_000_000, 0, 1_000_000),
        (2024, 1_000_000, 120_000, 27_902, 1_147_902),
        (2025, 1_147_902, 0, 0, 1_147_902),
    ]
    assert years[-1].rate_bp is None  # 2025 not yet published: no interest yet


def test_sealed_reference_opens_only_with_its_token():
    sealed = seal_ref(b"secret", "token-1", "12345")
    assert "12345" not in sealed
    assert open_ref(b"secret", "token-1", sealed) == "12345"
    assert open_ref(b"secret", "token-2", sealed) is None
    assert open_ref(b"other", "token-1", sealed) is None
    raw = bytearray(sealed.encode())
    raw[2] = ord("A") if raw[2] != ord("A") else ord("B")
    assert open_ref(b"secret", "token-1", raw.decode()) is None


def test_essc_codes_are_signed_dated_and_short_lived():
    key = b"k" * 32
    code = essc.issue(key, 42, T0, lifetime_s=60)
    assert essc.verify(key, code, T0 + timedelta(seconds=59)) == 42
    with pytest.raises(NotVerified) as caught:
        essc.verify(key, code, T0 + timedelta(seconds=61))
    assert caught.value.reason == "qr_expired"
    for bad in (code.replace(".60.", ".6000."), code + "x", "ESSC1.42", 42, "x" * 300):
        with pytest.raises(NotVerified):
            essc.verify(key, bad, T0)
    with pytest.raises(NotVerified):
        essc.verify(b"another key" * 3, code, T0)


# --- the demo people ---------------------------------------------------------------------------


def test_demo_people_are_valid_and_the_same_whatever_the_count(tmp_path):
    few = generate(tmp_path / "a.db", 5, seed=3, today=date(2026, 11, 24))
    many = generate(tmp_path / "b.db", 400, seed=3, today=date(2026, 11, 24), show=400)
    assert few == many[:5]
    assert len({p.id_number for p in many}) == 400
    for p in many:
        assert validate_id_number(p.id_number) == p.id_number
        assert 2 <= len(p.name) <= 8 and len(p.password) == 6
    other = generate(tmp_path / "c.db", 5, seed=4, today=date(2026, 11, 24))
    assert [p.id_number for p in other] != [p.id_number for p in few]
    assert not list(tmp_path.glob("*.tmp"))  # written aside, then moved into place


def test_demo_bases_stay_between_60_and_300_percent(records_db):
    conn = sqlite3.connect(records_db[0])
    sexes = dict(conn.execute("SELECT id, sex FROM people"))
    numbers = dict(conn.execute("SELECT id, id_number FROM people"))
    spells = conn.execute("SELECT first, base FROM spells").fetchall()
    conn.close()
    for pid, number in numbers.items():  # odd 17th digit for men (GB 11643)
        assert (int(number[16]) % 2 == 1) == (sexes[pid] == "M")
    assert spells
    for first, base in spells:
        year, m = divmod(first, 12)
        avg = avg_wage_fen(year - 1 if m >= 6 else year - 2) // 12
        assert avg * 60 // 100 - 100 <= base <= avg * 3, (first, base, avg)


def test_demo_database_has_the_published_rates(records_db):
    conn = sqlite3.connect(records_db[0])
    rates = dict(conn.execute("SELECT year, rate_bp FROM interest_rates"))
    pension = conn.execute(
        "SELECT first, unit_bp FROM rates WHERE insurance = 'pension' AND "
        "payer_kind = 'unit' ORDER BY first"
    ).fetchall()
    conn.close()
    assert {y: rates[y] for y in range(2016, 2025)} == {
        2016: 831,
        2017: 712,
        2018: 829,
        2019: 761,
        2020: 604,
        2021: 669,
        2022: 612,
        2023: 397,
        2024: 262,
    }
    assert pension == [(month_index(1992, 1), 2000), (month_index(2019, 5), 1600)]
    assert AVG_WAGE[2023] == 120698
