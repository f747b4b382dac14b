"""Both records providers on the same cases (DESIGN §5): the sqlite one over the demo database,
the http one against a fake province system on loopback that answers from that database. Then
the http provider against an upstream that is down, slow, failing, answering garbage or
answering about somebody else: a RecordsUnavailable within its deadline, every time."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from queue_server.core.idnumber import validate_id_number
from queue_server.core.numbering import HALL_TZ
from queue_server.records import essc
from queue_server.records.demo_people import essc_code
from queue_server.records.errors import NotVerified, RecordsUnavailable
from queue_server.records.http_provider import HttpProvider
from queue_server.records.provider import EsscCode, IdCard, Person, QueryPassword
from queue_server.records.sqlite_provider import SqliteProvider

from .conftest import TODAY
from .upstream import TOKEN, FakeUpstream

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=HALL_TZ)


@pytest.fixture
def sqlite_provider(records_db):
    provider = SqliteProvider(records_db[0])
    yield provider
    provider.close()


@pytest.fixture
def upstream(records_db):
    backing = SqliteProvider(records_db[0])
    fake = FakeUpstream(backing, TODAY)
    yield fake
    fake.close()
    backing.close()


def http_provider_for(fake: FakeUpstream, **kw) -> HttpProvider:
    options = {
        "auth_value": TOKEN,
        "timeout_s": 2.0,
        "retries": 1,
        "breaker_failures": 5,
        "breaker_reset_s": 30.0,
    }
    return HttpProvider(fake.url, **{**options, **kw})


@pytest.fixture(params=["sqlite", "http"])
def provider(request, records_db):
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_provider")
    else:
        yield http_provider_for(request.getfixturevalue("upstream"))


# --- the same cases on both --------------------------------------------------------------------


def test_a_card_of_a_known_person_is_verified(provider, people):
    p = people[0]
    person = provider.verify(IdCard(p.id_number, p.name), NOW)
    assert (person.id_number, person.name) == (p.id_number, p.name)


def test_a_card_whose_name_is_not_the_holders_is_refused(provider, people):
    with pytest.raises(NotVerified) as caught:
        provider.verify(IdCard(people[0].id_number, people[1].name), NOW)
    assert caught.value.reason == "mismatch"


def test_an_unknown_person_is_refused(provider):
    with pytest.raises(NotVerified) as caught:
        provider.verify(IdCard(validate_id_number("11010519491231002X"), "王某某"), NOW)
    assert caught.value.reason == "unknown"


def test_query_password_right_and_wrong(provider, people):
    p = people[1]
    assert provider.verify(QueryPassword(p.id_number, p.password), NOW).id_number == p.id_number
    wrong = f"{(int(p.password) + 1) % 10**6:06d}"
    with pytest.raises(NotVerified) as caught:
        provider.verify(QueryPassword(p.id_number, wrong), NOW)
    assert caught.value.reason == "wrong_password"


def test_essc_code_fresh_stale_and_altered(provider, people, records_db):
    p = people[2]
    fresh = essc_code(records_db[0], p.person_id, datetime.now(HALL_TZ), lifetime_s=60)
    assert provider.verify(EsscCode(fresh), datetime.now(HALL_TZ)).id_number == p.id_number
    stale = essc_code(records_db[0], p.person_id, datetime.now(HALL_TZ), lifetime_s=1)
    with pytest.raises(NotVerified) as caught:
        # the fake upstream checks with its own clock: make the code old for it too
        time.sleep(2.1)
        provider.verify(EsscCode(stale), datetime.now(HALL_TZ))
    assert caught.value.reason == "qr_expired"
    altered = fresh.replace(f"ESSC1.{p.person_id}.", f"ESSC1.{p.person_id + 1}.")
    with pytest.raises(NotVerified) as caught:
        provider.verify(EsscCode(altered), datetime.now(HALL_TZ))
    assert caught.value.reason == "qr_invalid"


def test_every_read_agrees_between_the_providers(sqlite_provider, upstream, people):
    http = http_provider_for(upstream)
    for p in people[:8]:
        a = sqlite_provider.verify(IdCard(p.id_number, p.name), NOW)
        b = http.verify(IdCard(p.id_number, p.name), NOW)
        assert a == b
        assert sqlite_provider.profile(a, TODAY) == http.profile(b, TODAY)
        assert sqlite_provider.contributions(a, "1990-01", "2026-11") == http.contributions(
            b, "1990-01", "2026-11"
        )
        assert sqlite_provider.account(a, TODAY) == http.account(b, TODAY)
        assert sqlite_provider.benefits(a, "2010-01", "2026-11") == http.benefits(
            b, "2010-01", "2026-11"
        )
        assert sqlite_provider.cases(a) == http.cases(b)


def test_records_of_the_demo_people(provider, people):
    """The first demo people show what each kind of record looks like."""
    career = provider.verify(IdCard(people[0].id_number, people[0].name), NOW)
    profile = provider.profile(career, TODAY)
    pension = next(s for s in profile.statuses if s.insurance == "pension")
    assert pension.status == "contributing" and pension.months_paid >= 30 * 12 - 12
    assert provider.contributions(career, "2026-01", "2026-11")
    assert [c.stage for c in provider.cases(career)] == ["review"]
    retiree = provider.verify(IdCard(people[1].id_number, people[1].name), NOW)
    assert {s.status for s in provider.profile(retiree, TODAY).statuses} <= {
        "receiving",
        "terminated",
    }
    paid = provider.benefits(retiree, "2025-01", "2025-12")
    assert [b.kind for b in paid] == ["pension"] * 12
    jobless = provider.verify(IdCard(people[2].id_number, people[2].name), NOW)
    assert {b.kind for b in provider.benefits(jobless, "2026-06", "2026-11")} == {"unemployment"}
    flexible = provider.verify(IdCard(people[3].id_number, people[3].name), NOW)
    recent = provider.contributions(flexible, "2026-09", "2026-11")
    assert {m.payer for m in recent} == {"self"}
    assert {m.state for m in recent if m.month >= "2026-10"} == {"arrears"}


def test_case_progress_needs_the_last_four(provider, people, sqlite_provider):
    person = sqlite_provider.verify(IdCard(people[0].id_number, people[0].name), NOW)
    case = sqlite_provider.cases(person)[0]
    found = provider.case_progress(case.case_number, people[0].id_number[-4:])
    assert (found.stage, found.next_stage) == (case.stage, case.next_stage)
    assert (
        provider.case_progress(
            case.case_number, "0000" if people[0].id_number[-4:] != "0000" else "1111"
        )
        is None
    )
    assert provider.case_progress("SB2026000000000000", people[0].id_number[-4:]) is None


# --- the http provider when the upstream misbehaves --------------------------------------------


def _person(sqlite_provider, people) -> Person:
    return sqlite_provider.verify(IdCard(people[0].id_number, people[0].name), NOW)


def _unavailable_within(call, budget_s: float) -> RecordsUnavailable:
    """The call fails with RecordsUnavailable, and does not hang past its deadline (a bound on
    the behaviour, far above the deadline — not a timing goal)."""
    started = time.monotonic()
    with pytest.raises(RecordsUnavailable) as caught:
        call()
    assert time.monotonic() - started < budget_s
    return caught.value


@pytest.mark.parametrize("mode", ["slow", "drip"])
def test_an_upstream_slower_than_the_deadline_is_cut_off(upstream, sqlite_provider, people, mode):
    upstream.mode, upstream.delay = mode, 3.0
    http = http_provider_for(upstream, timeout_s=0.5)
    person = _person(sqlite_provider, people)
    exc = _unavailable_within(lambda: http.profile(person, TODAY), budget_s=2.5)
    assert "within" in exc.why
    _unavailable_within(
        lambda: http.verify(IdCard(people[0].id_number, people[0].name), NOW), budget_s=2.5
    )


def test_an_upstream_that_is_down(upstream, sqlite_provider, people):
    upstream.down()
    http = http_provider_for(upstream, timeout_s=1.0)
    _unavailable_within(lambda: http.cases(_person(sqlite_provider, people)), budget_s=3.0)


@pytest.mark.parametrize(
    "mode, why",
    [
        ("500", "HTTP 500"),
        ("garbage", "malformed JSON"),
        ("bad_shape", "malformed answer"),
        ("unauthorized", "refused our credentials"),
        ("other_person", "another person"),
    ],
)
def test_an_upstream_answering_wrong_is_unavailable(upstream, sqlite_provider, people, mode, why):
    upstream.mode = mode
    http = http_provider_for(upstream)
    person = _person(sqlite_provider, people)
    for read in (
        lambda: http.profile(person, TODAY),
        lambda: http.account(person, TODAY),
        lambda: http.contributions(person, "2020-01", "2026-11"),
    ):
        assert why in _unavailable_within(read, budget_s=5.0).why


def test_verify_about_another_person_is_refused(upstream, people):
    upstream.mode = "other_person"
    http = http_provider_for(upstream)
    with pytest.raises(RecordsUnavailable):
        http.verify(QueryPassword(people[0].id_number, people[0].password), NOW)


def test_the_hall_credential_is_sent(upstream, sqlite_provider, people):
    http = http_provider_for(upstream)
    http.cases(_person(sqlite_provider, people))
    assert upstream.auth_seen == [TOKEN]
    without = HttpProvider(upstream.url, auth_value="", timeout_s=2.0)
    with pytest.raises(RecordsUnavailable) as caught:
        without.cases(_person(sqlite_provider, people))
    assert "refused our credentials" in caught.value.why


def test_reads_are_retried_after_a_dropped_connection_but_verify_is_not(
    upstream, sqlite_provider, people
):
    person = _person(sqlite_provider, people)
    upstream.mode, upstream.flaky = "flaky", 1
    http = http_provider_for(upstream, retries=1)
    assert http.cases(person)  # first try dropped, the retry answers
    assert len(upstream.requests) == 2
    upstream.requests.clear()
    upstream.flaky = 1
    with pytest.raises(RecordsUnavailable):
        http.verify(QueryPassword(people[0].id_number, people[0].password), NOW)
    assert len(upstream.requests) == 1  # a password try is never sent twice


def test_the_circuit_opens_after_failures_and_a_trial_call_closes_it(
    upstream, sqlite_provider, people
):
    person = _person(sqlite_provider, people)
    clock = [1000.0]
    upstream.mode = "500"
    http = http_provider_for(
        upstream, breaker_failures=3, breaker_reset_s=30.0, retries=0, clock=lambda: clock[0]
    )
    for _ in range(3):
        with pytest.raises(RecordsUnavailable):
            http.cases(person)
    sent = len(upstream.requests)
    with pytest.raises(RecordsUnavailable) as caught:
        http.cases(person)
    assert caught.value.why == "circuit open" and len(upstream.requests) == sent  # fast, no call
    upstream.mode = "ok"
    clock[0] += 31
    assert http.cases(person)  # the trial call goes through and closes the circuit
    assert http.cases(person)
    assert len(upstream.requests) == sent + 2


def test_the_sqlite_provider_without_its_database_is_unavailable(tmp_path):
    provider = SqliteProvider(tmp_path / "missing.db")
    with pytest.raises(RecordsUnavailable):
        provider.verify(IdCard("11010519491231002X", "王某某"), NOW)


def test_a_demo_code_lives_at_most_fifteen_minutes(records_db):
    with pytest.raises(ValueError):
        essc_code(records_db[0], 1, NOW, lifetime_s=essc.MAX_LIFETIME_S + 1)
