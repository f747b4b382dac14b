"""The kiosk's service list with the hall's nearby hints (issue 18 item 4), as pure Flow: the
hint is what the hall sent in ``nearby``, nearest first, in the citizen's language; a list
without hints (the city slow, absent, or an older hall server) shows none and works as ever."""

from __future__ import annotations

from kiosk.flow import Flow, Screen
from kiosk.i18n import translate

HALL_2 = {"zh_CN": "示范市第二大厅", "en": "Demo Hall 2", "ug": "ئىككىنچى زال"}
HALL_3 = {"zh_CN": "示范市第三大厅"}


def service(code, waiting, nearby=None):
    svc = {"code": code, "name": {"zh_CN": code}, "waiting": waiting, "open": True}
    if nearby is not None:
        svc["nearby"] = nearby
    return svc


def listed() -> list:
    near = [
        {"hall_id": "demo-2", "name": HALL_2, "waiting": 3, "distance_km": 2.0},
        {"hall_id": "demo-3", "name": HALL_3, "waiting": 1, "distance_km": 4.5},
    ]
    return [service("consult", 12, near), service("pension", 2, []), service("card", 9)]


def lines(flow: Flow, svc: dict) -> list[str]:
    return [translate(m, flow.language, **p) for m, p in flow.nearby_hints(svc)]


def test_the_service_list_names_the_nearest_shorter_queue():
    f = Flow(services=listed())
    f.take_ticket(now=0)
    assert f.screen is Screen.SERVICES
    consult, pension, card = f.shown()
    assert lines(f, consult) == ["示范市第二大厅 同类业务等候 3 人（约 2 公里）"]
    assert lines(f, pension) == [] and lines(f, card) == []
    f.set_language("en")
    assert lines(f, consult) == ["Demo Hall 2: 3 waiting for the same service (about 2 km)"]
    f.set_language("ug")
    [ug] = lines(f, consult)
    assert "ئىككىنچى زال" in ug and "3" in ug and "2" in ug


def test_a_hall_named_only_in_chinese_is_named_so_in_every_language():
    f = Flow(
        services=[service("consult", 12, [{"name": HALL_3, "waiting": 1, "distance_km": 4.5}])]
    )
    f.set_language("en")
    assert lines(f, f.services[0]) == [
        "示范市第三大厅: 1 waiting for the same service (about 4.5 km)"
    ]


def test_choosing_a_service_is_the_same_with_or_without_hints():
    for services in (listed(), [service("consult", 12)]):
        f = Flow(services=services)
        f.take_ticket(now=0)
        assert f.choose_service("consult", now=1) is True
        assert f.screen is Screen.CONFIRM
