"""Status over a real TCP connection to the fake printer: every state and fault."""

import threading

import pytest

from printer import (
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterFault,
    PrinterOffline,
    open_printer,
    sample_ticket,
)
from printer.status import interpret
from tests.support import escpos_decode as d
from tests.support.fake_printer import FakePrinter, closed_port

QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


@pytest.mark.parametrize(
    "state, word",
    [
        ("ok", "ok"),
        ("near_end", "paper_near_end"),
        ("paper_out", "paper_out"),
        ("cover_open", "cover_open"),
    ],
)
def test_status_reads_each_printer_state(fake, state, word):
    fake.state = state
    status = open_printer(fake.tcp_url, timeout=1).status()
    assert status.word == word
    assert fake.received == QUERIES


def test_status_of_a_printer_that_does_not_answer_is_offline(fake):
    fake.state = "silent"
    status = open_printer(fake.tcp_url, timeout=0.3).status()
    assert status.word == "offline" and "no reply" in status.detail
    assert fake.received == b"\x10\x04\x01"  # one silence is enough


def test_status_of_a_refused_connection_is_offline():
    status = open_printer(f"tcp://127.0.0.1:{closed_port()}", timeout=1).status()
    assert status.word == "offline"
    assert status.message_zh.startswith("打印机未连接") and "not connected" in status.message_en


def test_status_messages_tell_a_person_what_to_do():
    status = interpret({1: 0x1A, 2: 0x32, 4: 0x7E})
    assert status.word == "paper_out"
    assert status.message_zh == "打印机缺纸，请联系导引台工作人员"
    assert "out of paper" in status.message_en


def test_garbage_reply_is_an_error_not_ok():
    assert interpret({1: 0xFF, 2: 0x12, 4: 0x12}).word == "error"


@pytest.mark.parametrize(
    "state, error, word",
    [
        ("paper_out", PaperOut, "paper_out"),
        ("cover_open", CoverOpen, "cover_open"),
    ],
)
def test_job_on_a_printer_that_cannot_print_raises_and_sends_nothing_but_the_queries(
    fake, state, error, word
):
    fake.state = state
    with pytest.raises(error) as caught:
        open_printer(fake.tcp_url, timeout=1).print_ticket(sample_ticket())
    assert caught.value.word == word and isinstance(caught.value, PrinterError)
    assert caught.value.message_zh and caught.value.message_en
    assert fake.received == QUERIES


def test_paper_out_error_says_so_in_chinese_and_english(fake):
    fake.state = "paper_out"
    with pytest.raises(PaperOut) as caught:
        open_printer(fake.tcp_url, timeout=1).print_ticket(sample_ticket())
    assert caught.value.message_zh == "打印机缺纸，请联系导引台工作人员"
    assert str(caught.value).startswith("打印机缺纸")


def test_job_on_a_silent_printer_raises_offline_and_sends_no_job(fake):
    fake.state = "silent"
    with pytest.raises(PrinterOffline):
        open_printer(fake.tcp_url, timeout=0.3).print_ticket(sample_ticket())
    assert fake.received == b"\x10\x04\x01"


def test_job_on_a_refused_connection_raises_offline():
    with pytest.raises(PrinterOffline) as caught:
        open_printer(f"tcp://127.0.0.1:{closed_port()}", timeout=1).print_ticket(sample_ticket())
    assert "refused" in caught.value.detail.lower()


def test_paper_near_end_still_prints_and_is_reported(fake):
    fake.state = "near_end"
    after = open_printer(fake.tcp_url, timeout=1).print_ticket(sample_ticket())
    assert after.word == "paper_near_end" and after.can_print
    assert "A001" in d.texts(d.decode(fake.job_bytes())) or d.rasters(d.decode(fake.job_bytes()))


def test_status_is_read_before_and_after_the_job(fake, ticket):
    printer = open_printer(fake.tcp_url, mode="native", timeout=1)
    assert printer.print_ticket(ticket).word == "ok"
    data = bytes(fake.received)
    job = printer.render_ticket(ticket)
    assert data.startswith(QUERIES) and data.endswith(QUERIES)
    assert data[len(QUERIES) : -len(QUERIES)] == job


def _print_with_guard(printer, ticket, guard: float):
    """Run the job in a thread; a hang would leave it alive after `guard` seconds."""
    result = {}

    def run():
        try:
            result["status"] = printer.print_ticket(ticket)
        except PrinterError as exc:
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(guard)
    assert not worker.is_alive(), "print_ticket hung on a silent printer"
    return result


@pytest.mark.parametrize("mode", ["raster", "native"])
def test_printer_going_silent_mid_job_gives_an_error_not_a_hang(fake, mode):
    printer = open_printer(fake.tcp_url, mode=mode, timeout=0.5)
    fake.silent_after = len(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04") + 200
    result = _print_with_guard(printer, sample_ticket(), guard=20)
    error = result.get("error")
    assert isinstance(error, PrinterFault) and error.word == "error"
    assert "可能未打印完整" in error.message_zh and "incomplete" in error.message_en


def test_printer_that_stops_reading_a_big_job_times_out_while_writing(fake):
    # 8 MB of raster is more than the socket buffers hold, so the write itself must time out.
    from PIL import Image

    from printer.raster import image_bytes

    job = b"\x1b@" + image_bytes(Image.new("1", (576, 8_000_000 // 72), 0))
    printer = open_printer(fake.tcp_url, timeout=0.5)
    fake.silent_after = 20_000
    result = {}

    def run():
        try:
            printer.print_bytes(job)
        except PrinterError as exc:
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "print_bytes hung on a printer that stopped reading"
    assert isinstance(result.get("error"), PrinterFault)
    assert "sending" in result["error"].detail


def test_status_after_paper_runs_out_during_the_job_raises_paper_out():
    with FakePrinter() as fake:
        fake.serve_tcp()
        printer = open_printer(fake.tcp_url, mode="native", timeout=1)

        original = fake._take

        def run_out_of_paper(data, tail):  # the roll ends once the job has arrived
            replies = original(data, tail)
            if len(fake.received) > 100:
                fake.state = "paper_out"
            return replies

        fake._take = run_out_of_paper
        with pytest.raises(PaperOut) as caught:
            printer.print_ticket(sample_ticket())
        assert "incomplete" in caught.value.detail
