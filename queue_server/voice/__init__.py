"""Voice calling (§8 of DESIGN): templates per language, number reading, espeak-ng and
recorded segment-pack engines, and the on-disk announcement cache. See README.md."""

from .announcer import CALL_EVENTS, Announcer, NotAnnounced, call_of
from .errors import VoiceError

__all__ = ["Announcer", "CALL_EVENTS", "NotAnnounced", "VoiceError", "call_of"]
