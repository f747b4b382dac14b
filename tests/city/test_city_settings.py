"""[city] settings: a DSN needs a hall id; ids, batch sizes and back-off are checked once."""

from __future__ import annotations

import pytest

from queue_server.configfile import load_settings
from queue_server.core.settings import SettingsError
from tests.conftest import EXAMPLE_CONFIG


def _load(**env):
    return load_settings(
        EXAMPLE_CONFIG, environ={f"HALLQUEUE_CITY_{k.upper()}": v for k, v in env.items()}
    )


def test_the_example_ships_nothing_until_a_dsn_is_set():
    s = _load()
    assert s.city.dsn == "" and s.city.hall_id == ""


def test_a_dsn_and_hall_id_from_the_environment_are_taken():
    s = _load(dsn="postgresql://hall@city-db/city", hall_id="futian-1", batch_size="800")
    assert (s.city.dsn, s.city.hall_id, s.city.batch_size) == (
        "postgresql://hall@city-db/city",
        "futian-1",
        800,
    )


@pytest.mark.parametrize(
    "env, key",
    [
        ({"dsn": "postgresql://hall@city-db/city"}, "city.hall_id"),
        ({"dsn": "mysql://x"}, "city.dsn"),
        ({"hall_id": "Futian 1"}, "city.hall_id"),
        ({"batch_size": "0"}, "city.batch_size"),
        ({"backoff_max_s": "0.5"}, "city.backoff_max_s"),
        ({"poll_s": "0"}, "city.poll_s"),
    ],
)
def test_bad_city_settings_name_their_key(env, key):
    with pytest.raises(SettingsError) as err:
        _load(**env)
    assert err.value.key == key
