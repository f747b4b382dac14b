"""Settings declared as data: every key has a type, a default (or is required) and a help line.

``build(Settings, data, source)`` turns a parsed TOML dict into these dataclasses and checks
every type and every cross-reference once, raising SettingsError that names the file, the key
and what is wrong. Reading files and the environment is the caller's job (queue_server.configfile).
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass

from .languages import LANGUAGES


class SettingsError(Exception):
    def __init__(self, source: str, key: str, problem: str):
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem


def setting(
    default=MISSING,
    help: str = "",
    choices: tuple | None = None,
    default_factory=MISSING,
    path: bool | str = False,
    secret: bool = False,
):
    """``path=True``: a file or folder (``path="printer_url"``: a printer URL whose file:// or
    virtual:// folder is one); queue_server.configfile makes a relative one absolute against the
    config file's folder when the file is loaded (the only place paths resolve).
    ``secret=True``: never printed (``redacted``): a key, a credential, a password in a URL."""
    meta = {"help": help, "choices": choices, "path": path, "secret": secret}
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=meta)
    return field(default=default, metadata=meta)


_TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_LANGS = LANGUAGES


@dataclass(frozen=True, kw_only=True)
class QueueRules:
    max_consecutive_priority: int = setting(
        3,
        help="At most this many priority (绿色通道) calls in a row at one window while others wait",
    )
    reinstate_behind: int = setting(
        3, help="A reinstated no-show re-enters behind this many waiting tickets (过号顺延)"
    )
    service_preference: str = setting(
        "ordered",
        help="ordered: a window serves its first service first; oldest: oldest across its services",
        choices=("ordered", "oldest"),
    )
    appointment_early_min: int = setting(
        0, help="An appointment may be called this early (minutes)"
    )
    max_consecutive_appointments: int = setting(
        2,
        help="At most this many appointment calls in a row at one window while a walk-in has "
        "waited longer than appointment_walkin_bound_min (then one walk-in); 0 = appointments "
        "get no precedence over such walk-ins",
    )
    appointment_walkin_bound_min: int = setting(
        20,
        help="Walk-ins waiting longer than this many minutes bound the appointments' precedence "
        "(max_consecutive_appointments)",
    )
    expire_after_close_min: int = setting(
        60,
        help="Minutes after the last opening period when tickets still waiting expire"
        " (the day closes; at the latest at midnight)",
    )


@dataclass(frozen=True, kw_only=True)
class HallSettings:
    name: str = setting(help="Hall name shown on tickets, the display and the kiosk")
    address: str = setting("", help="Street address, printed on statements")
    hotline: str = setting("12333", help="Supervision / consultation hotline printed on tickets")
    public_url: str = setting(
        "http://127.0.0.1:8080", help="Base URL citizens' phones reach; used in ticket QR codes"
    )
    city_tier: str = setting(
        "large",
        help="large: urban population > 1 million; small: ≤ 1 million; county: county hall (§4.2)",
        choices=("large", "small", "county"),
    )
    insured_population: int = setting(0, help="Insured people the hall serves, for the §4.2 check")
    languages: list[str] = setting(
        default_factory=lambda: ["zh_CN"], help="UI languages in order; zh_CN must be first"
    )
    opening_hours: list[str] = setting(
        default_factory=lambda: ["08:30-12:00", "13:30-17:30"], help="Opening periods, HH:MM-HH:MM"
    )
    issue_outside_hours: bool = setting(
        False, help="Issue tickets outside opening hours too (demo halls, 24 h self-service areas)"
    )
    data_dir: str = setting(
        "var/hall",
        path=True,
        help="Folder for the database, voice cache, fonts and logs; relative = to the config's folder",
    )
    notice: str = setting("", help="Scrolling notice on the hall display at start")
    faq_file: str = setting(
        "faq.toml",
        path=True,
        help="Policy Q&A file (TOML); relative = to the config file's folder; empty = none",
    )


@dataclass(frozen=True, kw_only=True)
class ServerSettings:
    host: str = setting("127.0.0.1", help="Address the HTTP server listens on")
    port: int = setting(8080, help="TCP port of the HTTP server")
    threads: int = setting(
        16, help="API worker threads (the JSON API and pages); event streams never hold one"
    )
    api_queue_timeout_s: float = setting(
        10.0,
        help="A request that waited this long for a free worker gets 503 + Retry-After "
        "instead of being run after its client gave up",
    )
    sse_heartbeat_s: float = setting(15.0, help="Seconds between SSE keep-alive comments")
    db_busy_timeout_s: float = setting(
        2.0,
        help="Seconds a request waits while another program writes the database before it "
        "answers 503 系统繁忙 (with Retry-After); keep it below the kiosk's HTTP timeout (3 s)",
    )
    device_silent_s: float = setting(
        30.0,
        help="A kiosk, display or evaluator with no heartbeat for this long raises device.alert "
        "(§8.1.5); devices beat every third of it (at most every 10 s)",
    )
    stream_max_total: int = setting(
        2000,
        help="Most event streams (displays, consoles) open at once; more get 503 + Retry-After",
    )
    stream_max_per_address: int = setting(
        20, help="Most event streams from one client address; more get 503 + Retry-After"
    )
    stream_write_timeout_s: float = setting(
        20.0, help="A stream reader that takes no data for this long is dropped (frozen or gone)"
    )
    max_connections: int = setting(
        4096, help="Most open HTTP connections of every kind; beyond it requests get 503"
    )
    secret_key: str = setting(
        "",
        help="Session signing key; empty = generated and kept in data_dir",
        secret=True,
    )
    https: bool = setting(
        False,
        help="The hall is served over HTTPS (directly or by a TLS proxy): session cookies get "
        "Secure and browsers are told to keep to HTTPS (HSTS)",
    )
    proxy_hops: int = setting(
        0,
        help="Reverse proxies in front of the server whose X-Forwarded-For/-Proto/-Host are "
        "trusted (werkzeug ProxyFix); 0 = none, 1 = one nginx/caddy on the same host",
    )


@dataclass(frozen=True, kw_only=True)
class AuthSettings:
    session_idle_minutes: int = setting(
        60, help="A staff session ends after this many minutes without a request"
    )
    session_max_hours: int = setting(
        12, help="A staff session ends this many hours after login, however busy"
    )
    login_free_failures: int = setting(
        3, help="Wrong passwords per (user name, computer) before each next try must wait"
    )
    login_first_delay_s: int = setting(
        5,
        help="First wait in seconds after the free failures; it doubles with each further failure",
    )
    login_max_delay_s: int = setting(
        300, help="Longest wait in seconds between tries from one computer"
    )
    lock_failures: int = setting(
        30, help="Hard-lock a user name after this many wrong passwords within lock_window_minutes…"
    )
    lock_addresses: int = setting(4, help="…coming from at least this many different computers")
    lock_window_minutes: int = setting(60, help="Window in minutes in which failures are counted")
    lock_minutes: int = setting(
        60,
        help="How long a hard lock lasts; 0 = until an administrator unlocks it "
        "(/admin or queue-server unlock-user)",
    )


@dataclass(frozen=True, kw_only=True)
class ServiceSpec:
    code: str = setting(help="Stable identifier, e.g. pension")
    prefix: str = setting(help="Ticket prefix letter, unique in the hall, e.g. B")
    name: dict[str, str] = setting(help="Name per UI language; zh_CN required")
    daily_cap: int = setting(0, help="Most tickets a day; 0 = no cap")
    hours: list[str] = setting(default_factory=list, help="Issuing hours; empty = hall hours")
    default_service_min: float = setting(8.0, help="Mean service minutes before history exists")


@dataclass(frozen=True, kw_only=True)
class BusinessItem:
    code: str = setting(help="Stable identifier of the business item (业务事项)")
    service: str = setting(help="Service (queue) code that handles it")
    name: dict[str, str] = setting(help="Name per UI language; zh_CN required")
    materials: list[str] = setting(default_factory=list, help="Required materials (§8.1.2)")
    time_limit: str = setting("即办", help="办理时限 as shown to citizens")
    legal_basis: str = setting("", help="Law or regulation the item rests on, if any")
    windows: list[int] = setting(default_factory=list, help="Windows that handle it")
    room: str = setting("", help="门牌号 / room")
    notes: str = setting("", help="Extra guidance for citizens")


@dataclass(frozen=True, kw_only=True)
class WindowSpec:
    number: int = setting(help="Window number shown and spoken")
    name: str = setting("", help="Window name, e.g. 养老保险窗口")
    zone: str = setting("", help="Hall zone, e.g. A区")
    room: str = setting("", help="Room (门牌号)")
    services: list[str] = setting(help="Service codes served, in order of preference")
    kind: str = setting(
        "business",
        help="consulting / business / priority",
        choices=("consulting", "business", "priority"),
    )


@dataclass(frozen=True, kw_only=True)
class VoiceSettings:
    languages: list[str] = setting(
        default_factory=lambda: ["zh_CN"],
        help="Languages each call is spoken in, in order (zh_CN, ug, en)",
    )
    engine: str = setting(
        "espeak",
        help="espeak: espeak-ng offline synthesis; segments: the hall's recorded clips",
        choices=("espeak", "segments"),
    )
    segment_dir: str = setting(
        "",
        path=True,
        help="Folder of recorded WAV clips, one sub-folder per language (engine = segments)",
    )
    repeat: int = setting(2, help="How many times the display plays each call (1–5)")
    chime: bool = setting(True, help="Play a chime before each call")
    espeak_speed: int = setting(150, help="espeak-ng words per minute (80–400)")
    cache_mb: int = setting(
        32, help="Memory for recent calls' audio, MB (1–1024); the least recently used are dropped"
    )


@dataclass(frozen=True, kw_only=True)
class DeskPrinterSettings:
    url: str = setting(
        "",
        help="Ticket printer at the guide desk (tcp://…:9100, serial://, usb://, virtual:DIR);"
        " empty = none, the guide shows the number instead",
    )
    width_mm: int = setting(80, help="Paper width of the desk printer: 58 or 80", choices=(58, 80))
    mode: str = setting(
        "raster",
        help="raster (any printer) or native (Chinese-mode printers)",
        choices=("raster", "native"),
    )


@dataclass(frozen=True, kw_only=True)
class RecordsSettings:
    provider: str = setting(
        "sqlite",
        help="Where personal records come from (§6.3): sqlite = a records database file "
        "(the demo's, made by queue-server demo-records); http = the province's system (docs/records.md)",
        choices=("sqlite", "http"),
    )
    db: str = setting(
        "",
        path=True,
        help="provider = sqlite: the records database (not the hall's); empty = <data_dir>/records.db",
    )
    base_url: str = setting(
        "",
        help="provider = http: base URL of the province's records API, e.g. https://rec.example/api",
    )
    auth_header: str = setting(
        "Authorization", help="provider = http: the header that carries the hall's credential"
    )
    auth_value: str = setting(
        "",
        help="provider = http: the credential itself, e.g. 'Bearer …'; better set by the "
        "environment (HALLQUEUE_RECORDS_AUTH_VALUE) than written in the file",
        secret=True,
    )
    ca_file: str = setting(
        "",
        path=True,
        help="provider = http: CA certificates to trust for https (empty = the system's)",
    )
    timeout_s: float = setting(
        2.5,
        help="provider = http: one deadline per call, retries included; then 503 个人信息查询暂不可用",
    )
    retries: int = setting(
        1, help="provider = http: extra tries of a read after a dropped connection or 502–504"
    )
    breaker_failures: int = setting(
        5,
        help="provider = http: after this many failures in a row, calls fail at once (circuit open)…",
    )
    breaker_reset_s: float = setting(
        30.0, help="…for this many seconds, then one trial call decides"
    )
    session_idle_s: int = setting(
        120, help="A citizen session ends after this many seconds without a request"
    )
    session_max_s: int = setting(
        600, help="A citizen session ends this many seconds after it began"
    )
    statement_days: int = setting(
        180, help="A printed statement's verification code works for this many days (/v/<code>)"
    )
    password_tries: int = setting(
        5,
        help="Wrong query passwords (or case checks) that lock an ID number (or case) for the day",
    )
    kiosk_free_failures: int = setting(
        10, help="Failed verifications of one kiosk within kiosk_window_minutes before it is slowed"
    )
    kiosk_first_delay_s: int = setting(
        5, help="First wait of a slowed kiosk, doubling with each failure"
    )
    kiosk_max_delay_s: int = setting(300, help="Longest wait between tries of a slowed kiosk")
    kiosk_window_minutes: int = setting(30, help="Window in which a kiosk's failures are counted")
    secret: str = setting(
        "",
        help="The hall's secret for the audit's ID-number HMACs and statement seals; empty = "
        "generated and kept in data_dir/records_secret (keep it: changing it unlinks old audit rows)",
        secret=True,
    )


@dataclass(frozen=True, kw_only=True)
class ReportSettings:
    wait_threshold_min: int = setting(
        30,
        help="Reports count waits longer than this many minutes (§9.2 服务时限; no national "
        "figure exists, so the hall sets its own)",
    )
    absence_min: int = setting(
        15,
        help="Reports list a window closed or paused at least this many minutes in opening "
        "hours while tickets it serves wait (§8.6 不得擅自离岗)",
    )
    target_p90_min: int = setting(
        20, help="Staffing planner target: 90 % of citizens wait at most this many minutes"
    )
    followup_call_days: int = setting(
        1, help="A 差评 with a contact is called back (回访) within this many working days"
    )
    followup_rectify_days: int = setting(
        10, help="A 差评 found valid is rectified (整改) within this many working days of the call"
    )


@dataclass(frozen=True, kw_only=True)
class AppointmentSettings:
    enabled: bool = setting(True, help="Take bookings (预约) and check them in at the kiosk")
    slot_minutes: int = setting(30, help="Length of a booking slot in minutes (10–240)")
    capacity: int = setting(
        4, help="Bookings per slot of each service (0 = the service takes none)"
    )
    service_capacity: dict[str, int] = setting(
        default_factory=dict,
        help="Per-service capacity per slot overriding capacity, e.g. { pension = 6, consult = 0 }",
    )
    hours: list[str] = setting(
        default_factory=list,
        help="Periods with bookable slots, HH:MM-HH:MM; empty = each "
        "service's hours, else the hall's opening hours",
    )
    min_days_ahead: int = setting(1, help="Earliest booking: this many days ahead (1 = tomorrow)")
    horizon_working_days: int = setting(
        5, help="Latest booking: this many working days ahead (the hall calendar, 调休 included)"
    )
    per_person_per_day: int = setting(1, help="Bookings one person may hold for one day")
    cancel_before_min: int = setting(
        120, help="A booking can be cancelled until this many minutes before its slot"
    )
    checkin_early_min: int = setting(
        30, help="Check-in opens this many minutes before the slot (earlier: 请于 HH:MM 后签到)"
    )
    checkin_late_min: int = setting(
        15,
        help="Check-in with precedence closes this many minutes after the slot begins; later "
        "the citizen is offered a normal ticket; never checked in by the slot's end = no-show",
    )
    no_show_limit: int = setting(
        3, help="No-shows within no_show_window_days that stop a person booking; 0 = no limit"
    )
    no_show_window_days: int = setting(90, help="Days in which no-shows are counted")
    no_show_ban_days: int = setting(
        30, help="Days without booking after reaching the no-show limit (from the last no-show)"
    )


@dataclass(frozen=True, kw_only=True)
class BackupSettings:
    folder: str = setting(
        "",
        path=True,
        help="Folder of the nightly backups (queue-server backup); best on another "
        "disk or a mounted share; relative = to the config's folder; empty = <data_dir>/backups",
    )
    keep_days: int = setting(
        30,
        help="Backups older than this many days are deleted after a good new one (the newest "
        "is always kept)",
    )


@dataclass(frozen=True, kw_only=True)
class NearbyHall:
    hall_id: str = setting(help="The other hall's [city] hall_id")
    name: dict[str, str] = setting(
        help="Its name as citizens know it, per language; zh_CN required"
    )
    distance_km: float = setting(help="Distance from this hall in kilometres, as shown")


@dataclass(frozen=True, kw_only=True)
class CitySettings:
    dsn: str = setting(
        "",
        help="The city's PostgreSQL that queue-server ship sends this hall's events to, e.g. "
        "postgresql://hall@city-db.example/city; empty = ship nothing. A password belongs in "
        "HALLQUEUE_CITY_DSN or ~/.pgpass, not in this file",
        secret=True,
    )
    hall_id: str = setting(
        "",
        help="This hall's id in the city, unique among its halls (lower-case letters, digits, "
        "- and _, e.g. futian-1); required when dsn is set",
    )
    batch_size: int = setting(5000, help="Events per shipment (one PostgreSQL transaction)")
    poll_s: float = setting(1.0, help="Seconds an idle shipper waits before looking for new events")
    backoff_initial_s: float = setting(
        1.0, help="First wait after the city's database failed; doubled after each failure"
    )
    backoff_max_s: float = setting(
        60.0, help="Longest wait between tries while the city's database is down"
    )
    connect_timeout_s: float = setting(
        5.0, help="Seconds to wait for the city's database to answer a connection"
    )
    url: str = setting(
        "",
        help="The bureau's dashboard (queue-server city serve) that this hall asks for the "
        "live waits of its nearby halls, e.g. https://city.example/; empty = no nearby hints. "
        "The city knows this hall by the key its shipper registered (docs/city.md)",
    )
    nearby: list[NearbyHall] = setting(
        default_factory=list,
        help="Other halls whose waits the kiosk and the ticket's page may suggest when this "
        "hall's wait for a service is long",
    )
    nearby_min_waiting: int = setting(
        10, help="Suggest nearby halls for a service when at least this many wait for it here"
    )
    nearby_refresh_s: float = setting(
        30.0, help="Seconds between two questions to the city about the nearby halls"
    )
    nearby_timeout_s: float = setting(
        2.0,
        help="Seconds the city may take to answer; slower or absent = no hints (the kiosk never "
        "waits for the city)",
    )


@dataclass(frozen=True, kw_only=True)
class Settings:
    hall: HallSettings = setting(help="The hall")
    server: ServerSettings = setting(default_factory=ServerSettings, help="HTTP server")
    auth: AuthSettings = setting(default_factory=AuthSettings, help="Staff logins and sessions")
    rules: QueueRules = setting(default_factory=QueueRules, help="Queue policy")
    services: list[ServiceSpec] = setting(help="Queues (业务类别)")
    items: list[BusinessItem] = setting(default_factory=list, help="Business guide (§8.1.2)")
    windows: list[WindowSpec] = setting(help="Windows")
    voice: VoiceSettings = setting(
        default_factory=VoiceSettings, help="Voice calling on the hall display (§8)"
    )
    desk_printer: DeskPrinterSettings = setting(
        default_factory=DeskPrinterSettings,
        help="Printer of the guide desk (priority tickets, reprints)",
    )
    records: RecordsSettings = setting(
        default_factory=RecordsSettings, help="Personal records at the kiosk (§6.3, §8.1.3, §8.6)"
    )
    reports: ReportSettings = setting(
        default_factory=ReportSettings,
        help="Supervision reports, 差评 follow-up, staffing planner (§9)",
    )
    appointments: AppointmentSettings = setting(
        default_factory=AppointmentSettings,
        help="Bookings (预约): slots, rules, check-in, no-shows",
    )
    backup: BackupSettings = setting(
        default_factory=BackupSettings, help="Backups of the hall's data (queue-server backup)"
    )
    city: CitySettings = setting(
        default_factory=CitySettings,
        help="Shipping the hall's events to the city's PostgreSQL (queue-server ship, docs/city.md)",
    )

    def service(self, code: str) -> ServiceSpec | None:
        return next((s for s in self.services if s.code == code), None)

    def window(self, number: int) -> WindowSpec | None:
        return next((w for w in self.windows if w.number == number), None)

    def window_numbers(self) -> set[int]:
        return {w.number for w in self.windows}


# --- building ---------------------------------------------------------------------------------


def _type_name(tp) -> str:
    return getattr(tp, "__name__", str(tp))


def _convert(tp, value, source: str, key: str):
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, source, key)
    if is_dataclass(tp):
        if not isinstance(value, dict):
            raise SettingsError(source, key, "must be a table")
        return build(tp, value, source, key)
    if origin is list:
        (inner,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise SettingsError(source, key, "must be a list")
        return [_convert(inner, v, source, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise SettingsError(source, key, "must be a table")
        _, inner = typing.get_args(tp)
        return {str(k): _convert(inner, v, source, f"{key}.{k}") for k, v in value.items()}
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is bool and not isinstance(value, bool):
        raise SettingsError(source, key, "must be true or false")
    if tp is int and isinstance(value, bool):
        raise SettingsError(source, key, "must be a whole number")
    if not isinstance(value, tp):
        raise SettingsError(source, key, f"must be {_type_name(tp)}, not {type(value).__name__}")
    if isinstance(value, str) and len(value) > 2000:
        raise SettingsError(source, key, "is too long")
    return value


def build(cls, data: dict, source: str = "<settings>", prefix: str = ""):
    """Build dataclass ``cls`` from ``data``; unknown keys, missing keys and bad types are errors."""
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    for k in data:
        if k not in known:
            raise SettingsError(source, f"{prefix}.{k}".lstrip("."), "unknown key")
    kwargs = {}
    for name, f in known.items():
        key = f"{prefix}.{name}".lstrip(".")
        if name not in data:
            if f.default is MISSING and f.default_factory is MISSING:
                raise SettingsError(source, key, "is required")
            continue
        value = _convert(hints[name], data[name], source, key)
        choices = f.metadata.get("choices")
        if choices and value not in choices:
            raise SettingsError(source, key, f"must be one of {', '.join(choices)}")
        kwargs[name] = value
    obj = cls(**kwargs)
    if cls is Settings:
        validate(obj, source)
    return obj


def validate(s: Settings, source: str) -> None:
    """Cross-checks that types alone cannot express."""

    def err(key, problem):
        raise SettingsError(source, key, problem)

    if not s.hall.name.strip():
        err("hall.name", "must not be empty")
    if not s.hall.languages or s.hall.languages[0] != "zh_CN":
        err("hall.languages", "must start with zh_CN")
    for lang in s.hall.languages:
        if lang not in _LANGS:
            err("hall.languages", f"unsupported language {lang!r} (supported: {', '.join(_LANGS)})")
    for i, period in enumerate(s.hall.opening_hours):
        if not _TIME_RANGE.match(period) or period[:5] >= period[6:]:
            err(f"hall.opening_hours[{i}]", f"bad time range {period!r}, expected HH:MM-HH:MM")
    if s.hall.insured_population < 0:
        err("hall.insured_population", "must not be negative")
    if not 1 <= s.server.port <= 65535:
        err("server.port", "must be 1–65535")
    if not 5 <= s.server.device_silent_s <= 3600:
        err("server.device_silent_s", "must be 5–3600 seconds")
    if s.server.threads < 4:
        err("server.threads", "must be at least 4")
    if not 0.1 <= s.server.db_busy_timeout_s <= 60:
        err("server.db_busy_timeout_s", "must be 0.1–60 seconds")
    if s.server.stream_max_per_address < 1 or s.server.stream_max_total < 1:
        err("server.stream_max_total", "stream limits must be at least 1")
    if s.server.max_connections <= s.server.stream_max_total:
        err("server.max_connections", "must be larger than server.stream_max_total")
    server = s.server
    if min(server.stream_write_timeout_s, server.api_queue_timeout_s, server.sse_heartbeat_s) <= 0:
        err("server.stream_write_timeout_s", "timeouts must be positive")
    if not 0 <= s.server.proxy_hops <= 5:
        err("server.proxy_hops", "must be 0–5")
    a = s.auth
    for key, value, low, high in (
        ("session_idle_minutes", a.session_idle_minutes, 1, 24 * 60),
        ("session_max_hours", a.session_max_hours, 1, 24 * 7),
        ("login_free_failures", a.login_free_failures, 1, 100),
        ("login_first_delay_s", a.login_first_delay_s, 1, 3600),
        ("login_max_delay_s", a.login_max_delay_s, a.login_first_delay_s, 24 * 3600),
        ("lock_failures", a.lock_failures, 1, 100_000),
        ("lock_addresses", a.lock_addresses, 1, 1000),
        ("lock_window_minutes", a.lock_window_minutes, 1, 7 * 24 * 60),
        ("lock_minutes", a.lock_minutes, 0, 365 * 24 * 60),
    ):
        if not low <= value <= high:
            err(f"auth.{key}", f"must be {low}–{high}")
    if s.rules.service_preference not in ("ordered", "oldest"):
        err("rules.service_preference", "must be ordered or oldest")
    if not s.voice.languages:
        err("voice.languages", "at least one language is required")
    for lang in s.voice.languages:
        if lang not in _LANGS:
            err(
                "voice.languages", f"unsupported language {lang!r} (supported: {', '.join(_LANGS)})"
            )
    if s.voice.engine == "segments" and not s.voice.segment_dir.strip():
        err("voice.segment_dir", "is required when engine = segments")
    if not 1 <= s.voice.repeat <= 5:
        err("voice.repeat", "must be 1–5")
    if not 80 <= s.voice.espeak_speed <= 400:
        err("voice.espeak_speed", "must be 80–400")
    if not 1 <= s.voice.cache_mb <= 1024:
        err("voice.cache_mb", "must be 1–1024")
    _validate_records(s.records, err)
    if not 1 <= s.backup.keep_days <= 3650:
        err("backup.keep_days", "must be 1–3650")
    for key, low, high in (
        ("wait_threshold_min", 1, 180),
        ("absence_min", 1, 240),
        ("target_p90_min", 1, 180),
        ("followup_call_days", 0, 30),
        ("followup_rectify_days", 1, 90),
    ):
        if not low <= getattr(s.reports, key) <= high:
            err(f"reports.{key}", f"must be {low}–{high}")
    if not s.services:
        err("services", "at least one service is required")
    _validate_appointments(s, err)
    _validate_city(s.city, err)
    codes, prefixes = set(), set()
    for i, svc in enumerate(s.services):
        key = f"services[{i}]"
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", svc.code):
            err(f"{key}.code", "must be lower-case letters, digits or _")
        if svc.code in codes:
            err(f"{key}.code", f"duplicate service code {svc.code!r}")
        if not re.fullmatch(r"[A-Z]", svc.prefix):
            err(f"{key}.prefix", "must be one capital letter")
        if svc.prefix in prefixes:
            err(f"{key}.prefix", f"duplicate prefix {svc.prefix!r}")
        if not svc.name.get("zh_CN", "").strip():
            err(f"{key}.name.zh_CN", "is required")
        if svc.daily_cap < 0 or svc.daily_cap > 999:
            err(f"{key}.daily_cap", "must be 0–999 (three-digit numbers)")
        for j, period in enumerate(svc.hours):
            if not _TIME_RANGE.match(period) or period[:5] >= period[6:]:
                err(f"{key}.hours[{j}]", f"bad time range {period!r}, expected HH:MM-HH:MM")
        codes.add(svc.code)
        prefixes.add(svc.prefix)
    numbers = set()
    for i, win in enumerate(s.windows):
        key = f"windows[{i}]"
        if not 1 <= win.number <= 999:
            err(f"{key}.number", "must be 1–999")
        if win.number in numbers:
            err(f"{key}.number", f"duplicate window number {win.number}")
        if not win.services:
            err(f"{key}.services", "a window must serve at least one service")
        for code in win.services:
            if code not in codes:
                err(f"{key}.services", f"unknown service {code!r}")
        numbers.add(win.number)
    if not s.windows:
        err("windows", "at least one window is required")
    item_codes = set()
    for i, item in enumerate(s.items):
        key = f"items[{i}]"
        if item.code in item_codes:
            err(f"{key}.code", f"duplicate item code {item.code!r}")
        item_codes.add(item.code)
        if item.service not in codes:
            err(f"{key}.service", f"unknown service {item.service!r}")
        if not item.name.get("zh_CN", "").strip():
            err(f"{key}.name.zh_CN", "is required")
        for n in item.windows:
            if n not in numbers:
                err(f"{key}.windows", f"unknown window {n}")


def _validate_city(c: CitySettings, err) -> None:
    if c.dsn and not re.match(r"^postgres(ql)?://", c.dsn):
        err("city.dsn", "must be a postgresql:// address")
    if c.hall_id and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", c.hall_id):
        err("city.hall_id", "must be lower-case letters, digits, - or _ (at most 64)")
    if c.dsn and not c.hall_id:
        err("city.hall_id", "is required when city.dsn is set")
    if not 1 <= c.batch_size <= 100_000:
        err("city.batch_size", "must be 1–100000")
    for key in ("poll_s", "backoff_initial_s", "connect_timeout_s"):
        if not 0 < getattr(c, key) <= 3600:
            err(f"city.{key}", "must be more than 0 and at most 3600")
    if not c.backoff_initial_s <= c.backoff_max_s <= 3600:
        err("city.backoff_max_s", "must be at least backoff_initial_s and at most 3600")
    if c.url and not re.match(r"^https?://[^/\s]+", c.url):
        err("city.url", "must be an http:// or https:// URL")
    if c.url and not c.hall_id:
        err("city.hall_id", "is required when city.url is set")
    if not 0 < c.nearby_timeout_s <= 30:
        err("city.nearby_timeout_s", "must be more than 0 and at most 30")
    if not 5 <= c.nearby_refresh_s <= 3600:
        err("city.nearby_refresh_s", "must be 5–3600")
    if not 0 <= c.nearby_min_waiting <= 9999:
        err("city.nearby_min_waiting", "must be 0–9999")
    for i, n in enumerate(c.nearby):
        key = f"city.nearby[{i}]"
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", n.hall_id):
            err(f"{key}.hall_id", "must be lower-case letters, digits, - or _ (at most 64)")
        if not n.name.get("zh_CN", "").strip():
            err(f"{key}.name.zh_CN", "is required")
        if not 0 <= n.distance_km <= 1000:
            err(f"{key}.distance_km", "must be 0–1000")


def _validate_records(r: RecordsSettings, err) -> None:
    if r.provider == "http" and not re.match(r"^https?://[^/\s]+", r.base_url):
        err("records.base_url", "must be an http:// or https:// URL when provider = http")
    if not re.fullmatch(r"[A-Za-z0-9-]{1,64}", r.auth_header):
        err("records.auth_header", "must be an HTTP header name")
    for key, value, low, high in (
        ("timeout_s", r.timeout_s, 0.1, 60),
        ("retries", r.retries, 0, 5),
        ("breaker_failures", r.breaker_failures, 1, 1000),
        ("breaker_reset_s", r.breaker_reset_s, 1, 3600),
        ("session_idle_s", r.session_idle_s, 10, 3600),
        ("session_max_s", r.session_max_s, r.session_idle_s, 4 * 3600),
        ("statement_days", r.statement_days, 1, 3660),
        ("password_tries", r.password_tries, 1, 100),
        ("kiosk_free_failures", r.kiosk_free_failures, 1, 10_000),
        ("kiosk_first_delay_s", r.kiosk_first_delay_s, 1, 3600),
        ("kiosk_max_delay_s", r.kiosk_max_delay_s, r.kiosk_first_delay_s, 24 * 3600),
        ("kiosk_window_minutes", r.kiosk_window_minutes, 1, 24 * 60),
    ):
        if not low <= value <= high:
            err(f"records.{key}", f"must be {low:g}–{high:g}")


def _validate_appointments(s: Settings, err) -> None:
    a = s.appointments
    for key, value, low, high in (
        ("slot_minutes", a.slot_minutes, 10, 240),
        ("capacity", a.capacity, 0, 999),
        ("min_days_ahead", a.min_days_ahead, 0, 30),
        ("horizon_working_days", a.horizon_working_days, 1, 60),
        ("per_person_per_day", a.per_person_per_day, 1, 10),
        ("cancel_before_min", a.cancel_before_min, 0, 7 * 24 * 60),
        ("checkin_early_min", a.checkin_early_min, 0, 240),
        ("checkin_late_min", a.checkin_late_min, 0, a.slot_minutes),
        ("no_show_limit", a.no_show_limit, 0, 100),
        ("no_show_window_days", a.no_show_window_days, 1, 3660),
        ("no_show_ban_days", a.no_show_ban_days, 1, 3660),
    ):
        if not low <= value <= high:
            err(f"appointments.{key}", f"must be {low}–{high}")
    for code, cap in a.service_capacity.items():
        if s.service(code) is None:
            err(f"appointments.service_capacity.{code}", f"unknown service {code!r}")
        if not 0 <= cap <= 999:
            err(f"appointments.service_capacity.{code}", "must be 0–999")
    for i, period in enumerate(a.hours):
        if not _TIME_RANGE.match(period) or period[:5] >= period[6:]:
            err(f"appointments.hours[{i}]", f"bad time range {period!r}, expected HH:MM-HH:MM")
    if s.rules.max_consecutive_appointments < 0:
        err("rules.max_consecutive_appointments", "must not be negative")
    if not 0 <= s.rules.appointment_walkin_bound_min <= 24 * 60:
        err("rules.appointment_walkin_bound_min", "must be 0–1440")


def consulting_windows_required(city_tier: str, insured_population: int) -> int:
    """Minimum consulting windows by standard §4.2."""
    if city_tier == "county":
        return 1
    per = 200_000 if city_tier == "large" else 150_000
    return max(1, -(-insured_population // per))  # ceiling division


_URL_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@", re.I)


def redacted(obj) -> dict:
    """The settings as a dict with every ``secret`` setting hidden (``dump-config``): a URL
    keeps its host but not its password; anything else set shows only that it is set."""
    out = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("secret") and value:
            masked = _URL_PASSWORD.sub(r"\1:***@", value)
            out[f.name] = masked if masked != value or "://" in value else "***"
        else:
            out[f.name] = _plain(value)
    return out


def _plain(value):
    if is_dataclass(value):
        return redacted(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
