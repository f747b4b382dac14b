"""The reader polling a fake SAM reader on a pty: placed, absent, stays, removed, removed
mid-read, bad checksum, cut-off reply, silence, faults, arming, and forgetting the card."""

from __future__ import annotations

import gc
import time
import weakref
from datetime import date

from kiosk.devices import open_idcard_reader
from kiosk.devices.base import CardRead
from kiosk.devices.fakes import FakeIdCardReader
from kiosk.devices.idcard import IdCard, IdCardReader, NoReader

from tests.support.waiting import wait_for

from .conftest import collect, has, kinds


def test_a_card_placed_is_read_once_with_its_fields(fake_reader, reader):
    fake_reader.insert("demo1")
    events = collect(reader, has("CardRead"))
    assert kinds(events) == ["CardRead"]
    card = events[0].card
    assert (card.name, card.sex, card.nation) == ("王秀兰", "女", "汉")
    assert card.id_number == "110105195803120045" and card.long_term
    assert events[0].seconds > 0
    assert fake_reader.commands[(0x20, 0x02)] == 1 and fake_reader.reads == 1


def test_no_card_means_no_events_and_a_healthy_reader(fake_reader, reader):
    events = collect(reader, lambda e: fake_reader.commands[(0x20, 0x01)] >= 5)
    assert events == [] and reader.status == "ok" and fake_reader.reads == 0


def test_a_card_that_stays_is_not_read_again(fake_reader, reader):
    fake_reader.insert("demo2")
    collect(reader, has("CardRead"))
    finds = fake_reader.commands[(0x20, 0x01)]
    more = collect(reader, lambda e: fake_reader.commands[(0x20, 0x01)] >= finds + 10)
    assert more == [] and fake_reader.reads == 1


def test_removal_is_reported_and_the_next_placement_is_read_again(fake_reader, reader):
    fake_reader.insert("demo2")
    collect(reader, has("CardRead"))
    fake_reader.remove()
    assert kinds(collect(reader, has("CardRemoved"))) == ["CardRemoved"]
    fake_reader.insert("uyghur")
    events = collect(reader, has("CardRead"))
    assert events[-1].card.name == "مۇختەر ئابدۇللا" and fake_reader.reads == 2


def test_a_card_lifted_mid_read_is_reported_then_removed(fake_reader, reader):
    fake_reader.behave("remove_mid_read", times=1)
    fake_reader.insert("demo2")
    events = collect(reader, has("CardRemoved"))
    assert kinds(events) == ["CardUnreadable", "CardRemoved"]
    assert events[0].error.word == "read_failed"
    assert "重新放" in events[0].error.message_zh


def test_a_bad_checksum_is_reported_and_read_again_while_the_card_stays(fake_reader, reader):
    fake_reader.behave("bad_checksum", times=1)
    fake_reader.insert("demo2")
    events = collect(reader, has("CardRead"))
    assert kinds(events) == ["CardUnreadable", "CardRead"]
    assert events[0].error.word == "bad_frame" and "checksum" in events[0].error.detail
    assert events[1].card.name == "李建国" and fake_reader.reads == 2


def test_a_card_that_never_reads_is_tried_a_bounded_number_of_times(fake_reader, reader):
    fake_reader.behave("bad_checksum")
    fake_reader.insert("demo2")
    events = collect(reader, has("CardUnreadable", reader.max_attempts))
    finds = fake_reader.commands[(0x20, 0x01)]
    events += collect(reader, lambda e: fake_reader.commands[(0x20, 0x01)] >= finds + 10)
    assert kinds(events) == ["CardUnreadable"] * reader.max_attempts
    assert fake_reader.reads == reader.max_attempts


def test_a_reply_cut_off_half_way_is_reported_and_read_again(fake_reader, reader):
    fake_reader.behave("truncated", times=1)
    fake_reader.insert("demo2")
    events = collect(reader, has("CardRead"))
    assert kinds(events) == ["CardUnreadable", "CardRead"]
    assert "cut off" in events[0].error.detail


def test_noise_on_the_line_does_not_stop_a_read(fake_reader, reader):
    fake_reader.behave("noise")
    fake_reader.insert("demo2")
    assert kinds(collect(reader, has("CardRead"))) == ["CardRead"]


def test_a_silent_reader_is_down_then_up_again(fake_reader, reader):
    collect(reader, lambda e: reader.status == "ok")
    fake_reader.behave("silent")
    events = collect(reader, has("DeviceDown"))
    assert kinds(events) == ["DeviceDown"] and reader.status == "no_answer"
    assert events[0].error.word == "no_answer"
    assert "扫码或输入身份证号" in events[0].error.message_zh
    fake_reader.behave(None)
    assert kinds(collect(reader, has("DeviceUp"))) == ["DeviceUp"] and reader.status == "ok"


def test_a_reader_whose_sam_failed_is_a_fault(fake_reader, reader):
    fake_reader.behave("fault")
    events = collect(reader, has("DeviceDown"))
    assert events[0].error.word == "reader_fault" and reader.status == "reader_fault"


def test_an_expired_card_is_read_and_knows_it_is_expired(fake_reader, reader):
    fake_reader.insert("expired")
    card = collect(reader, has("CardRead"))[0].card
    assert card.expired(date(2025, 6, 1)) and card.valid_to == date(2020, 5, 1)


def test_a_disarmed_reader_touches_no_card_but_checks_the_reader(fake_reader):
    fake_reader.insert("demo1")
    with IdCardReader(fake_reader.path, poll_s=0.05, health_s=0.05) as r:
        events = collect(r, lambda e: fake_reader.commands[(0x11, 0xFF)] >= 3)
        assert events == [] and r.status == "ok"
        assert fake_reader.commands[(0x20, 0x01)] == 0 and fake_reader.reads == 0
        r.arm()  # the card already lying there counts as placed
        assert kinds(collect(r, has("CardRead"))) == ["CardRead"]


def test_disarming_drops_a_card_not_yet_taken(fake_reader, reader):
    fake_reader.insert("demo2")
    assert wait_for(lambda: fake_reader.reads == 1)
    time.sleep(0.3)  # the event is in the queue, nobody has taken it
    reader.disarm()
    assert reader.poll() == []


def test_after_disarming_no_card_object_is_left_anywhere(fake_reader, reader):
    fake_reader.insert("demo2")
    events = collect(reader, has("CardRead"))
    taken = weakref.ref(events[0].card)
    fake_reader.remove()
    events += collect(reader, has("CardRemoved"))
    fake_reader.insert("uyghur")  # a second card read but never taken by the UI
    assert wait_for(lambda: fake_reader.reads == 2)
    time.sleep(0.3)
    del events
    reader.disarm()  # what leaving the verify screen does
    gc.collect()
    assert taken() is None
    # type() not isinstance(): a proxy object (Kivy, werkzeug) may do work when asked its class
    assert [o for o in gc.get_objects() if type(o) is IdCard] == []


def test_a_missing_port_is_reported_offline():
    with IdCardReader("/dev/nonexistent-idcard-reader", poll_s=0.05) as r:
        events = collect(r, has("DeviceDown"))
    assert events[0].error.word == "offline" and r.status == "offline"
    assert "/dev/nonexistent-idcard-reader" in events[0].error.message_zh


def test_the_url_opens_a_reader_and_callbacks_get_the_events(fake_reader):
    got = []
    r = open_idcard_reader(fake_reader.url + "&poll_ms=100", callback=got.append)
    assert isinstance(r, IdCardReader) and r.poll_s == 0.1 and r.baud == 115200
    with r:
        r.arm()
        fake_reader.insert("demo2")
        assert wait_for(lambda: got)
        assert isinstance(got[0], CardRead) and r.poll() == []


def test_none_is_a_reader_that_never_reads():
    r = open_idcard_reader("none")
    assert isinstance(r, NoReader) and r.status == "off"
    with r:
        r.arm()
        assert r.poll() == []


def test_a_reader_unplugged_while_running_goes_offline():
    fake = FakeIdCardReader()
    with IdCardReader(fake.path, poll_s=0.05) as r:
        r.arm()
        collect(r, lambda e: r.status == "ok")
        fake.close()  # the pty disappears like a USB adapter pulled out
        events = collect(r, has("DeviceDown"))
        assert events[-1].error.word == "offline" and r.status == "offline"


def test_a_callback_may_disarm_the_reader_it_is_called_from(fake_reader):
    got = []

    def on_event(event):
        got.append(event)
        reader.disarm()  # e.g. the flow leaving the verify screen at once

    reader = IdCardReader(fake_reader.path, poll_s=0.05, callback=on_event)
    with reader:
        reader.arm()
        fake_reader.insert("demo2")
        assert wait_for(lambda: got)
        assert not reader.armed and isinstance(got[0], CardRead)
