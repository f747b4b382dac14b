"""Typed device errors. One base class; every message is for a person (Chinese, then English).

`word` is what the error stands for, so the kiosk can pick its catalog message, log it and put
it in its heartbeat without parsing text (like printer.errors).
"""

from __future__ import annotations

from printer.errors import BilingualError


class DeviceError(BilingualError):
    """Base of every error this package raises on purpose."""


# --- configuration: fixed by whoever installs the kiosk -------------------------------------


class BadDeviceURL(DeviceError):
    """An idcard_reader / qr_scanner URL cannot be understood."""

    word = "bad_url"


# --- the device itself: fixed by staff at the kiosk -----------------------------------------


class DeviceUnavailable(DeviceError):
    """The serial port cannot be opened or went away (unplugged, wrong path, pyserial missing)."""

    word = "offline"

    def __init__(self, path: str, detail: str = ""):
        super().__init__(
            f"设备未连接：{path}，请检查连接线和端口",
            f"The device at {path} is not connected: check its cable and port",
            detail=detail,
        )


class ReaderSilent(DeviceError):
    """The device did not answer within its time."""

    word = "no_answer"

    def __init__(self, detail: str = ""):
        super().__init__(
            "身份证阅读器没有响应，请改用扫码或输入身份证号",
            "The ID card reader is not answering: scan your code or type your ID number instead",
            detail=detail,
        )


class ReaderFault(DeviceError):
    """The reader answered that it cannot work (SAM self-test failed, not authorised)."""

    word = "reader_fault"

    def __init__(self, detail: str = ""):
        super().__init__(
            "身份证阅读器故障，请联系工作人员；可改用扫码或输入身份证号",
            "The ID card reader has a fault: please ask staff, or scan your code "
            "or type your ID number instead",
            detail=detail,
        )


# --- one card at the reader: the person can try again ---------------------------------------


class CardError(DeviceError):
    """Base of the errors about the card on the reader (not the reader)."""

    word = "card_error"

    def __init__(self, detail: str = "", *, message_zh: str = "", message_en: str = ""):
        super().__init__(
            message_zh or "未能读取身份证，请拿开后重新放在感应区，放稳不要移动",
            message_en
            or "The ID card could not be read: lift it, then place it "
            "on the reader again and hold it still",
            detail=detail,
        )


class FrameError(CardError):
    """A reply with a wrong checksum, a cut-off reply or one that does not follow the protocol."""

    word = "bad_frame"


class CardReadFailed(CardError):
    """The reader reported that reading the card failed (e.g. it was lifted mid-read)."""

    word = "read_failed"


class CardDataError(CardError):
    """The card's text does not decode (a date that does not exist, broken UTF-16)."""

    word = "bad_card_data"


class UnsupportedCard(CardError):
    """A card the reader can read but the kiosk does not take (e.g. 外国人永久居留身份证)."""

    word = "unsupported_card"

    def __init__(self, detail: str = ""):
        super().__init__(
            detail,
            message_zh="自助终端暂只支持居民身份证，请改用其他方式或到窗口办理",
            message_en="This kiosk reads resident ID cards only: please use another "
            "way or go to a service window",
        )
