"""Configuration: layered loading, one clear error per bad file, docs for every key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from queue_server.configfile import load_settings
from queue_server.core.settings import Settings, SettingsError

from ..conftest import EXAMPLE_CONFIG

QS = [sys.executable, "-m", "queue_server"]


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "hall.toml"
    p.write_text(text, encoding="utf-8")
    return p


BASE = EXAMPLE_CONFIG.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "change, key, problem",
    [
        (
            lambda t: t.replace('services = ["medical"]', 'services = ["dental"]', 1),
            "windows[5].services",
            "unknown service 'dental'",
        ),
        (
            lambda t: t.replace('prefix = "C"', 'prefix = "B"'),
            "services[2].prefix",
            "duplicate prefix",
        ),
        (
            lambda t: t.replace('"13:30-17:30"]\nissue', '"13:30-25:30"]\nissue'),
            "hall.opening_hours[1]",
            "bad time range",
        ),
        (
            lambda t: t.replace('name = "示范市社会保险事业管理中心 第一经办服务大厅"\n', ""),
            "hall.name",
            "is required",
        ),
        (lambda t: t.replace("port = 8080", 'port = "eighty"'), "server.port", "must be int"),
        (lambda t: t.replace("[rules]", "[rules]\nfoo = 1"), "rules.foo", "unknown key"),
        (
            lambda t: t.replace('kind = "priority"', 'kind = "vip"'),
            "windows[10].kind",
            "must be one of",
        ),
        (
            lambda t: t.replace('windows = [8]\nroom = "104"', 'windows = [88]\nroom = "104"', 1),
            "items[15].windows",
            "unknown window 88",
        ),
    ],
)
def test_bad_config_names_file_key_and_problem(tmp_path, change, key, problem):
    path = write(tmp_path, change(BASE))
    with pytest.raises(SettingsError) as exc:
        load_settings(path, environ={})
    assert exc.value.key == key
    assert problem in exc.value.problem
    assert str(path) in str(exc.value)


def test_check_config_cli_exits_1_without_traceback(tmp_path):
    path = write(tmp_path, BASE.replace('prefix = "C"', 'prefix = "B"'))
    out = subprocess.run(
        [*QS, "check-config", "--config", str(path)], capture_output=True, text=True
    )
    assert out.returncode == 1
    assert "services[2].prefix" in out.stderr and "Traceback" not in out.stderr
    broken = write(tmp_path, "[hall\nname=")
    out = subprocess.run(
        [*QS, "check-config", "--config", str(broken)], capture_output=True, text=True
    )
    assert out.returncode == 1 and "not valid TOML" in out.stderr


def test_check_config_reports_section_4_2(tmp_path):
    out = subprocess.run(
        [*QS, "check-config", "--config", str(EXAMPLE_CONFIG)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "最低需要 2 个，已设置 2 个" in out.stdout
    short = write(
        tmp_path, BASE.replace("insured_population = 380000", "insured_population = 1000000")
    )
    out = subprocess.run(
        [*QS, "check-config", "--config", str(short)], capture_output=True, text=True
    )
    assert out.returncode == 3 and "不足" in out.stdout


def test_environment_overrides_file():
    s = load_settings(
        EXAMPLE_CONFIG, environ={"HALLQUEUE_SERVER_PORT": "9091", "HALLQUEUE_HALL_DATA_DIR": "/x"}
    )
    assert s.server.port == 9091 and s.hall.data_dir == "/x"
    with pytest.raises(SettingsError):
        load_settings(EXAMPLE_CONFIG, environ={"HALLQUEUE_SERVER_PORT": "many"})


def _keys(cls, prefix=""):
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        tp = hints[f.name]
        inner = typing.get_args(tp)[0] if typing.get_origin(tp) is list else tp
        if is_dataclass(inner):
            yield from _keys(inner, f"{prefix}{f.name}.")
        else:
            yield f"{prefix}{f.name}", f


# Shown in the example only as a comment, on purpose: a secret copied from an example is no secret.
COMMENTED_IN_THE_EXAMPLE = {"server.secret_key"}


def _missing_from(node: dict, cls, path: str = ""):
    """Keys of ``cls`` absent from the parsed TOML ``node`` (a list of tables: from all of them)."""
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        tp, key = hints[f.name], f"{path}{f.name}"
        many = typing.get_origin(tp) is list
        inner = typing.get_args(tp)[0] if many else tp
        if not is_dataclass(inner):
            if f.name not in node:
                yield key
        elif f.name not in node:
            yield f"[{key}]"
        elif many:
            shown = {k: v for table in node[f.name] for k, v in table.items()}
            yield from _missing_from(shown, inner, f"{key}[].")
        else:
            yield from _missing_from(node[f.name], inner, f"{key}.")


def test_every_setting_has_help_and_appears_in_the_example():
    for key, f in _keys(Settings):
        assert f.metadata.get("help"), f"{key} has no help text"
    example = tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    missing = set(_missing_from(example, Settings)) - COMMENTED_IN_THE_EXAMPLE
    assert not missing, f"not set in {EXAMPLE_CONFIG.name}: {sorted(missing)}"
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    for key in COMMENTED_IN_THE_EXAMPLE:
        assert f"# {key.rsplit('.', 1)[-1]} =" in text, key


def test_dump_config_shows_secrets_only_as_set():
    """Keys and credentials never leave through dump-config (it is pasted into support tickets);
    a URL keeps its host."""
    env = {
        **os.environ,
        "HALLQUEUE_CITY_DSN": "postgresql://hall:s3cret-pw@city-db.example:5432/city",
        "HALLQUEUE_CITY_HALL_ID": "futian-1",
        "HALLQUEUE_RECORDS_AUTH_VALUE": "Bearer tok-123456",
        "HALLQUEUE_RECORDS_SECRET": "records-secret-xyz",
        "HALLQUEUE_SERVER_SECRET_KEY": "session-key-abc",
    }
    out = subprocess.run(
        [*QS, "dump-config", "--config", str(EXAMPLE_CONFIG)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    for secret in ("s3cret-pw", "tok-123456", "records-secret-xyz", "session-key-abc"):
        assert secret not in out.stdout
    dumped = json.loads(out.stdout)
    assert dumped["city"]["dsn"] == "postgresql://hall:***@city-db.example:5432/city"
    assert dumped["records"]["auth_value"] == "***" and dumped["server"]["secret_key"] == "***"
    assert dumped["city"]["hall_id"] == "futian-1"  # what is not secret is shown as it is
