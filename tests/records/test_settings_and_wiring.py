"""The [records] settings, their checks and hazards, the reload rule, and the app's wiring."""

from __future__ import annotations

import dataclasses
import os
import re
import stat

import pytest

from queue_server.configfile import load_settings
from queue_server.core.hazards import hazards
from queue_server.core.settings import SettingsError
from queue_server.records import open_provider
from queue_server.records.http_provider import HttpProvider
from queue_server.reload import merge
from queue_server.services.citizen import hall_secret

from ..conftest import EXAMPLE_CONFIG
from .conftest import kiosk, password_login


def with_records(tmp_path, **keys: str):
    """The example config with some [records] keys changed (their names are unique to it)."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    for key, value in keys.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        assert n == 1, key
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_reads_the_demo_database_beside_the_hall_one():
    s = load_settings(EXAMPLE_CONFIG, environ={})
    assert s.records.provider == "sqlite" and s.records.db == ""
    assert s.records.session_idle_s == 120 and s.records.session_max_s == 600
    assert s.records.statement_days == 180 and s.records.password_tries == 5


def test_an_http_provider_needs_a_url(tmp_path):
    with pytest.raises(SettingsError, match="records.base_url"):
        load_settings(with_records(tmp_path, provider='"http"'), environ={})
    s = load_settings(
        with_records(tmp_path, provider='"http"', base_url='"https://si.test/v1"'),
        environ={"HALLQUEUE_RECORDS_AUTH_VALUE": "Bearer from-env"},
    )
    provider = open_provider(s)
    assert isinstance(provider, HttpProvider)
    assert provider.headers["Authorization"] == "Bearer from-env"


@pytest.mark.parametrize(
    "key, value",
    [("session_idle_s", 5), ("session_max_s", 60), ("timeout_s", 0), ("password_tries", 0)],
)
def test_limits_are_checked(settings, key, value):
    from queue_server.core.settings import validate

    bad = dataclasses.replace(
        settings, records=dataclasses.replace(settings.records, **{key: value})
    )
    with pytest.raises(SettingsError, match=f"records.{key}"):
        validate(bad, "test")


def test_plain_http_to_the_province_is_a_hazard(settings):
    def keys(url):
        records = dataclasses.replace(settings.records, provider="http", base_url=url)
        return [h.key for h in hazards(dataclasses.replace(settings, records=records))]

    assert "records.base_url" in keys("http://10.1.2.3/api")
    assert "records.base_url" not in keys("https://10.1.2.3/api")
    assert "records.base_url" not in keys("http://127.0.0.1:9000/api")  # a local TLS gateway


def test_records_settings_wait_for_a_restart(settings):
    new = dataclasses.replace(
        settings, records=dataclasses.replace(settings.records, session_idle_s=300)
    )
    merged, waiting = merge(settings, new, "test")
    assert merged.records.session_idle_s == 120 and "records.session_idle_s" in waiting


def test_the_hall_secret_is_generated_once_and_private(settings):
    first = hall_secret(settings)
    path = os.path.join(settings.hall.data_dir, "records_secret")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert hall_secret(settings) == first and len(first) == 64
    given = dataclasses.replace(
        settings, records=dataclasses.replace(settings.records, secret="from-config")
    )
    assert hall_secret(given) == b"from-config"


def test_no_citizen_answer_is_kept_by_a_browser_or_proxy(client, kiosk_token, people):
    token = password_login(client, kiosk_token, people[0])["token"]
    for url in ("/api/v1/citizen/profile", "/api/v1/citizen/cases"):
        r = client.get(url, headers=kiosk(client, kiosk_token, token))
        assert r.headers["Cache-Control"] == "no-store"
    assert client.get("/v/ABCDE-FGHJK-MNPQR-STVWX").headers["Cache-Control"] == "no-store"


def test_the_admin_page_links_the_audit(admin_client):
    html = admin_client.get("/admin").data.decode()
    assert 'href="/admin/audit"' in html
