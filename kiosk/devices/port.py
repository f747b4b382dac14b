"""Opening a serial port with pyserial (imported here only: `none` and `keyboard` devices
work without it)."""

from __future__ import annotations

from .errors import DeviceUnavailable


def open_serial(path: str, baud: int):
    """An open pyserial port, 8N1, raw; DeviceUnavailable saying why not."""
    try:
        import serial
    except ImportError:
        raise DeviceUnavailable(path, "pyserial is not installed (pip install pyserial)") from None
    try:
        return serial.Serial(
            path, baudrate=baud, bytesize=8, parity="N", stopbits=1, timeout=0.1, write_timeout=1.0
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceUnavailable(path, str(exc)) from None
