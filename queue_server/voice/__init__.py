"""Voice calling (§8 of DESIGN): templates per language, number reading, espeak-ng and
recorded segment-pack engines, the phrase cache and the bounded call cache. See README.md."""

from .announcer import CALL_EVENTS, Announcement, Announcer, NotAnnounced, call_of
from .errors import VoiceError

__all__ = ["Announcement", "Announcer", "CALL_EVENTS", "NotAnnounced", "VoiceError", "call_of"]
