"""Each transport delivers the job to a printer at its real interface."""

import os
import sys

import pytest
from PIL import Image

from printer import PaperOut, PrinterOffline, TransportUnavailable, open_printer, render_ticket
from tests.printer.conftest import long_statement
from tests.support import escpos_decode as d

QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


def _load(path) -> Image.Image:
    with Image.open(path) as picture:
        return picture.copy()


@pytest.mark.parametrize("mode", ["raster", "native"])
@pytest.mark.parametrize("width_mm", [58, 80])
def test_network_printer_receives_the_ticket(fake, ticket, mode, width_mm):
    printer = open_printer(fake.tcp_url, width_mm=width_mm, mode=mode, timeout=2)
    assert printer.print_ticket(ticket).word == "ok"
    elements = d.decode(fake.job_bytes())
    if mode == "native":
        assert "B012" in d.texts(elements) and "养老保险" in d.texts(elements)
        assert [q.payload for q in d.qr_codes(elements)] == [ticket.qr_payload]
    else:
        [raster] = d.rasters(elements)
        assert raster.image.width == {58: 384, 80: 576}[width_mm]
        assert d.decode_qr(raster.image) == [ticket.qr_payload]
    assert len(d.cuts(elements)) == 1


@pytest.mark.parametrize("mode", ["raster", "native"])
def test_serial_printer_over_a_pty_receives_the_ticket(fake_pty, ticket, mode):
    printer = open_printer(fake_pty.serial_url, width_mm=80, mode=mode, timeout=2)
    assert printer.status().word == "ok"
    fake_pty.reset()
    assert printer.print_ticket(ticket).word == "ok"
    received = bytes(fake_pty.received)
    assert received.startswith(QUERIES) and received.endswith(QUERIES)
    assert received[len(QUERIES) : -len(QUERIES)] == render_ticket(ticket, 576, mode)


@pytest.mark.parametrize(
    "state, word",
    [
        ("near_end", "paper_near_end"),
        ("cover_open", "cover_open"),
        ("paper_out", "paper_out"),
        ("silent", "offline"),
    ],
)
def test_serial_status_over_a_pty(fake_pty, state, word):
    fake_pty.state = state
    assert open_printer(fake_pty.serial_url, timeout=0.3).status().word == word


def test_serial_paper_out_sends_nothing_but_the_queries(fake_pty, ticket):
    fake_pty.state = "paper_out"
    with pytest.raises(PaperOut):
        open_printer(fake_pty.serial_url, timeout=1).print_ticket(ticket)
    assert bytes(fake_pty.received) == QUERIES


def test_serial_with_hardware_flow_control_opens_and_prints(fake_pty, ticket):
    url = fake_pty.serial_url.replace("baud=115200", "baud=9600&flow=rtscts")
    assert open_printer(url, mode="native", timeout=2).print_ticket(ticket).word == "ok"
    assert "B012" in d.texts(d.decode(fake_pty.job_bytes()))


def test_missing_serial_device_is_offline(tmp_path):
    status = open_printer(f"serial://{tmp_path}/ttyUSB9", timeout=0.5).status()
    assert status.word == "offline" and "ttyUSB9" in status.detail


def test_file_printer_writes_the_job(tmp_path, ticket):
    target = tmp_path / "lp0"
    printer = open_printer(f"file://{target}", mode="native")
    assert printer.status().word == "ok"
    assert printer.print_ticket(ticket).word == "ok"
    assert target.read_bytes() == render_ticket(ticket, 576, "native")


def test_file_printer_in_a_missing_directory_is_offline(tmp_path, ticket):
    printer = open_printer(f"file://{tmp_path}/no/such/dir/lp0", mode="native")
    assert printer.status().word == "offline"
    with pytest.raises(PrinterOffline):
        printer.print_ticket(ticket)


def test_usb_without_pyusb_says_what_to_install():
    try:
        import usb.core  # noqa: F401
    except ImportError:
        with pytest.raises(TransportUnavailable) as caught:
            open_printer("usb://04b8:0202")
        assert "pyusb" in caught.value.message_zh and "pyusb" in caught.value.message_en
    else:
        # With pyusb installed and no such device attached, the printer is simply offline.
        assert open_printer("usb://04b8:0202", timeout=0.5).status().word == "offline"


def test_virtual_printer_writes_png_and_bin_per_job(tmp_path, ticket):
    printer = open_printer(f"virtual://{tmp_path}", width_mm=80)
    assert printer.status().word == "ok"
    printer.print_ticket(ticket)
    [png] = printer.transport.jobs
    assert png.suffix == ".png" and png.parent == tmp_path
    assert png.with_suffix(".bin").read_bytes() == render_ticket(ticket, 576, "raster")
    picture = _load(png)
    assert picture.width == 576
    assert d.decode_qr(picture) == [ticket.qr_payload]


def test_virtual_printer_draws_native_text_too(tmp_path, ticket):
    from tests.printer.conftest import FONT

    printer = open_printer(f"virtual://{tmp_path}", width_mm=58, mode="native")
    printer.print_ticket(ticket)
    picture = _load(printer.transport.jobs[0])
    assert picture.width == 384
    assert d.decode_qr(picture) == [ticket.qr_payload]
    assert d.best_match(picture, "养老保险", 48, FONT) >= 0.9


def test_virtual_printer_state_by_attribute_and_by_status_file(tmp_path, ticket):
    printer = open_printer(f"virtual://{tmp_path}")
    printer.transport.state = "paper_out"
    with pytest.raises(PaperOut):
        printer.print_ticket(ticket)
    assert list(tmp_path.glob("*.png")) == []
    printer.transport.state = "ok"
    (tmp_path / "status").write_text("cover_open\n")
    assert printer.status().word == "cover_open"
    (tmp_path / "status").write_text("near_end")
    assert printer.print_ticket(ticket).word == "paper_near_end"
    os.remove(tmp_path / "status")
    assert printer.status().word == "ok"


def test_virtual_printer_pictures_for_people_to_look_at(output_dir, ticket):
    """Saves the 58 mm and 80 mm tickets and a two-part statement into $TEST_OUTPUT_DIR/printer."""
    for old in output_dir.glob("*"):
        if old.suffix in (".png", ".bin"):
            old.unlink()
    made = {}
    for width in (58, 80):
        printer = open_printer(f"virtual://{output_dir}", width_mm=width)
        printer.print_ticket(ticket)
        made[f"ticket-{width}mm"] = printer.transport.jobs[-1]
    printer = open_printer(f"virtual://{output_dir}", width_mm=80)
    printer.print_statement(long_statement(rows=30, rows_per_part=20))
    made["statement-80mm-2-parts"] = printer.transport.jobs[-1]
    for name, png in made.items():
        png.rename(output_dir / f"{name}.png")
        png.with_suffix(".bin").rename(output_dir / f"{name}.bin")
    statement = _load(output_dir / "statement-80mm-2-parts.png")
    # Two parts: two cut lines drawn, and the bytes hold two pictures.
    assert len(d.rasters(d.decode((output_dir / "statement-80mm-2-parts.bin").read_bytes()))) == 2
    assert statement.height > _load(output_dir / "ticket-80mm.png").height
    print(
        "virtual printer pictures:",
        *sorted(str(p) for p in output_dir.glob("*.png")),
        sep="\n  ",
        file=sys.stderr,
    )


def test_serial_printer_going_silent_mid_job_gives_an_error_not_a_hang(fake_pty, ticket):
    import threading

    from printer import PrinterFault

    printer = open_printer(fake_pty.serial_url, width_mm=80, mode="raster", timeout=0.5)
    fake_pty.silent_after = len(QUERIES) + 500
    result = {}

    def run():
        try:
            printer.print_ticket(ticket)
        except PrinterFault as exc:
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "print_ticket hung on a silent serial printer"
    assert result["error"].word == "error"
