"""The kiosk's serial devices: the 二代身份证 reader and the 电子社保卡 QR scanner.

    reader = open_idcard_reader(config.idcard_reader).start()
    scanner = open_qr_scanner(config.qr_scanner).start()
    reader.arm(); scanner.arm()              # the verify screen is up
    for event in reader.poll() + scanner.poll():   # UI thread, each frame; never blocks
        ...                                  # CardRead, CardRemoved, CardUnreadable,
                                             # CodeScanned, DeviceDown, DeviceUp (base.py)
    reader.disarm(); scanner.disarm()        # screen left / session ended: pending data dropped

Each device is a ``base.Device`` chosen by a URL (urls.py): ``none``, ``serial://…`` and, for the
scanner, ``keyboard`` (the kiosk window calls ``scanner.feed(char)``). A reader that only works
through a vendor SDK gets its own Device subclass producing the same events. ``fakes.py`` has
pty fakes of both devices for tests and the demo. No Kivy in this package.
"""

from __future__ import annotations

from .base import CardRead, CardRemoved, CardUnreadable, CodeScanned, Device, DeviceDown, DeviceUp
from .errors import DeviceError
from .urls import parse_device_url


def open_idcard_reader(url: str, *, callback=None) -> Device:
    """The reader for an idcard_reader URL (not started). BadDeviceURL for a bad URL."""
    from .idcard import IdCardReader, NoReader

    spec = parse_device_url(url, "idcard")
    if spec.scheme == "none":
        return NoReader(callback)
    return IdCardReader(
        spec.path,
        spec.baud,
        poll_s=spec.poll_ms / 1000,
        timeout_s=spec.timeout_ms / 1000,
        callback=callback,
    )


def open_qr_scanner(url: str, *, callback=None) -> Device:
    """The scanner for a qr_scanner URL (not started). BadDeviceURL for a bad URL."""
    from .qrscanner import KeyboardQrScanner, NoQrScanner, SerialQrScanner

    spec = parse_device_url(url, "scanner")
    if spec.scheme == "none":
        return NoQrScanner(callback)
    if spec.scheme == "keyboard":
        return KeyboardQrScanner(spec.gap_ms / 1000, callback=callback)
    return SerialQrScanner(spec.path, spec.baud, callback=callback)


__all__ = [
    "CardRead",
    "CardRemoved",
    "CardUnreadable",
    "CodeScanned",
    "Device",
    "DeviceDown",
    "DeviceUp",
    "DeviceError",
    "open_idcard_reader",
    "open_qr_scanner",
    "parse_device_url",
]
