"""core.nearby: which nearby halls are worth naming (issue 18 item 4)."""

from __future__ import annotations

from queue_server.core.nearby import km_text, suggestions
from queue_server.core.settings import NearbyHall


def hall(hall_id, km):
    return NearbyHall(hall_id=hall_id, name={"zh_CN": hall_id}, distance_km=km)


HALLS = [hall("far", 6.0), hall("near", 1.5), hall("mid", 3.0), hall("me", 0.0)]
WAITS = {"far": {"consult": 1}, "near": {"consult": 9}, "mid": {"consult": 4}, "me": {"consult": 0}}


def named(found):
    return [(h["hall_id"], h["waiting"]) for h in found]


def test_shorter_queues_nearest_first_at_most_two_never_this_hall():
    assert named(suggestions("consult", 10, HALLS, WAITS, 5, here="me")) == [
        ("near", 9),
        ("mid", 4),
    ]
    assert named(suggestions("consult", 9, HALLS, WAITS, 5, here="me")) == [("mid", 4), ("far", 1)]


def test_nothing_under_the_threshold_or_for_an_unknown_service():
    assert suggestions("consult", 4, HALLS, WAITS, 5, here="me") == []
    assert suggestions("pension", 50, HALLS, WAITS, 5, here="me") == []
    assert suggestions("consult", 50, HALLS, {}, 5, here="me") == []
    assert suggestions("consult", 0, HALLS, WAITS, 0, here="me") == []  # nobody waits here


def test_distance_as_people_say_it():
    assert [km_text(x) for x in (2.0, 1.5, 0.25, 12.04)] == ["2", "1.5", "0.2", "12"]
