"""Errors of the voice package: one base, messages for the hall's IT staff."""


class VoiceError(Exception):
    """An announcement could not be rendered (engine missing, clip missing, bad clip format)."""
