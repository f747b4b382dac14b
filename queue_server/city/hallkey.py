"""This hall database's key in the city: made once, kept in the hall's ``hall_state``.

The shipper registers it in the city's ``halls.hall_key`` (another database shipping under the
same hall id is refused); the hall server shows it to the bureau's dashboard to ask for its
nearby halls' waits. No psycopg here: the hall server imports this module.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Callable

from ..store import Store, hall_state

HALL_KEY = "city_hall_key"  # hall_state key


def hall_key(store: Store, clock: Callable[[], datetime]) -> str:
    """The key, made on first use (a restored backup keeps it; another hall's has its own)."""
    key = hall_state.get(store.db, HALL_KEY)
    if key is None:
        with store.write() as db:
            key = hall_state.get(db, HALL_KEY) or secrets.token_hex(16)
            hall_state.put(db, HALL_KEY, key, clock().isoformat())
    return key
