"""One hall's running parts, wired once and handed to the web layer and the CLI."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .core.numbering import HALL_TZ
from .core.settings import Settings
from . import journal
from .eventbus import EventBus, EventFollower
from .calendar_cn import HallCalendar
from .services.accounts import Accounts
from .services.appointments import AppointmentService
from .services.desk_printer import DeskPrinter
from .services.devices import Devices
from .services.evaluations import EvaluationService
from .services.faq import FaqService
from .services.followups import FollowupService
from .services.ledger import LedgerService
from .services.planner import PlannerService
from .services.queue import QueueService
from .services.reports import ReportService
from .services.citizen import CitizenService, hall_secret
from .services.records_audit import AuditView
from .services.statements import StatementService
from .nearby import NearbyHalls
from .records import RecordsProvider, open_provider
from .store import Store
from .store import events as event_log
from .voice import CALL_EVENTS, Announcer

if TYPE_CHECKING:
    from .reload import ReloadOutcome
    from .web.display_font import FontBuilder

log = logging.getLogger(__name__)


def system_clock() -> datetime:
    return datetime.now(HALL_TZ)


def file_clock(path: str) -> Callable[[], datetime]:
    """Test/training clock: the ISO datetime in ``path``, re-read on every call.

    Set ``HALLQUEUE_CLOCK_FILE`` for browser tests that move time (overdue ledger items) without
    sleeping, or for staff training on a copy of the hall. Never set in production.
    """

    def now() -> datetime:
        # os.open/os.read: a third of pathlib's read_text, and the server asks on every request
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                text = os.read(fd, 256).decode().strip()
            finally:
                os.close(fd)
            return datetime.fromisoformat(text).astimezone(HALL_TZ)
        except (OSError, ValueError):
            return system_clock()

    return now


def clock_from_env() -> Callable[[], datetime]:
    path = os.environ.get("HALLQUEUE_CLOCK_FILE")
    return file_clock(path) if path else system_clock


def default_db_path(settings: Settings) -> Path:
    return Path(settings.hall.data_dir) / "hall.db"


def faq_path(settings: Settings) -> Path | None:
    """The FAQ file as loaded (configfile made it absolute); empty setting = no Q&A."""
    return Path(settings.hall.faq_file) if settings.hall.faq_file else None


@dataclass
class Hall:
    settings: Settings
    store: Store
    bus: EventBus
    clock: Callable[[], datetime]
    queue: QueueService
    accounts: Accounts
    devices: Devices
    calendar: HallCalendar
    ledger: LedgerService
    evaluations: EvaluationService
    faq: FaqService
    workers: list[threading.Thread] = field(default_factory=list)
    """Background threads that use the store; joined before the store closes."""
    stopping: threading.Event = field(default_factory=threading.Event)
    desk_printer: DeskPrinter | None = None
    config_path: Path | None = None
    """The file ``reload`` re-reads (SIGHUP, /admin); None when built from Settings alone."""
    last_reload: "ReloadOutcome | None" = None
    _reload_lock: threading.Lock = field(default_factory=threading.Lock)
    records: RecordsProvider | None = None
    """Personal records (§6.3): the provider [records] names, read once at start."""
    citizen: CitizenService | None = None
    statements: StatementService | None = None
    audit_view: AuditView | None = None
    appointments: AppointmentService | None = None
    """Bookings (预约): slots, check-in, no-shows (DESIGN §5a)."""
    reports: ReportService | None = None
    """Supervision reports (§9); ``followups``: the 差评 follow-up."""
    followups: FollowupService | None = None
    planner: PlannerService | None = None
    events: EventFollower | None = None
    """The one reader of the event log; the streams, the announcer and the journal subscribe."""
    announcer: Announcer | None = None
    """Set when the hall serves (``serving=True``), as are ``display_font`` and the workers."""
    display_font: "FontBuilder | None" = None
    nearby: NearbyHalls | None = None
    """Nearby halls' waits from the city (issue 18); refreshed in the background when serving."""

    @classmethod
    def open(
        cls,
        settings: Settings,
        db_path: str | Path | None = None,
        clock: Callable[[], datetime] | None = None,
        config_path: str | Path | None = None,
        serving: bool = False,
    ) -> "Hall":
        """The hall's parts over its database. ``serving``: the server's hall (create_app),
        whose background work starts here; the CLI's one-off commands and tests leave it off."""
        clock = clock or clock_from_env()
        store = Store(
            db_path or default_db_path(settings),
            busy_timeout_ms=int(settings.server.db_busy_timeout_s * 1000),
        )
        bus = EventBus()
        last_event = event_log.last_id(store.db)
        bus.published(last_event)  # streams resume correctly after a restart
        calendar = HallCalendar(store, clock)

        def current() -> Settings:  # services read the hall's Settings as of the last reload
            return hall.settings

        hall = cls(
            settings=settings,
            store=store,
            bus=bus,
            clock=clock,
            queue=QueueService(current, store, bus, clock),
            accounts=Accounts(store, clock, settings.auth, lambda: current().window_numbers()),
            devices=Devices(current, store, bus, clock),
            calendar=calendar,
            ledger=LedgerService(store, calendar, bus, clock),
            evaluations=EvaluationService(current, store, bus, clock),
            faq=FaqService(store, faq_path(settings)),
        )
        hall.desk_printer = DeskPrinter(current, hall.queue.windows)
        hall.records = open_provider(settings)
        hall.citizen = CitizenService(current, store, hall.records, clock, hall_secret(settings))
        hall.statements = StatementService(current, store, hall.citizen, clock)
        hall.audit_view = AuditView(store, hall.citizen, clock)
        hall.config_path = Path(config_path) if config_path else None
        hall.appointments = AppointmentService(
            current, store, bus, clock, calendar, hall.queue, hall.citizen.secret
        )
        hall.followups = FollowupService(current, store, calendar, clock)
        hall.evaluations.followups = hall.followups
        hall.reports = ReportService(current, store, hall.queue, clock, hall.followups)
        hall.planner = PlannerService(current, store, hall.reports, clock)
        hall.events = EventFollower(store, bus, last_event)
        hall.nearby = NearbyHalls(current, store, clock)
        # An upgraded chinesecalendar may know a year now: provisional due dates catch up (§8.2).
        hall.ledger.recompute_provisional()
        if serving:
            hall._serve()
        return hall

    def _serve(self) -> None:
        """Everything the server runs beside its requests, wired once."""
        from .web.display_font import FontBuilder, display_text  # web imports hall: not above

        self.faq.load()  # the FAQ file into the store (§6.1); reload swaps it later
        self.display_font = FontBuilder(
            Path(self.settings.hall.data_dir) / "fonts", display_text(self.settings)
        )
        self.announcer = Announcer(self.settings, self.store, self.clock)
        self.events.subscribe("voice", self.announcer.on_events, types=CALL_EVENTS)
        journal.set_hall(self.settings.hall.name)
        # One log line per event, written in gatherings of a quarter second.
        self.events.subscribe("journal", journal.log_events, gather_s=0.25)
        self.events.start()
        self.start_day_keeper()
        self.workers.append(self.devices.watch(self.stopping))  # silent devices → device.alert
        if self.settings.city.url:  # the city's waits for the kiosk, never awaited (restart to set)
            self.workers.append(self.nearby.run(self.stopping))

    def reload(self) -> "ReloadOutcome":
        """Re-read the config file (SIGHUP, /admin): validated first, the old content kept when
        the new one is bad (queue_server/reload.py, §8.1.4)."""
        from .reload import reload_hall

        with self._reload_lock:
            self.last_reload = reload_hall(self, self.config_path)
            return self.last_reload

    def start_day_keeper(self, interval_s: float = 30.0) -> None:
        """Close each hall day when it ends (expire open tickets, clear windows), also right
        away for days that ended while the server was down."""

        def run() -> None:
            while True:
                try:
                    self.appointments.mark_no_shows()  # slots ended unchecked: no-shows
                    expired = self.queue.close_day()
                    if expired:
                        log.info("hall day closed: %d open tickets expired", expired)
                    self.reports.catch_up(limit=10)  # closed days into the reports' pre-aggregate
                    self.queue.read_usual_arrivals()  # the forecast's history, off the hot path
                except Exception:  # a busy or full disk must not end the keeper for good
                    log.exception("closing the hall day failed; retrying")
                if self.stopping.wait(interval_s):
                    return

        worker = threading.Thread(target=run, name="day-keeper", daemon=True)
        worker.start()
        self.workers.append(worker)

    def close(self) -> None:
        self.stopping.set()
        self.bus.close()  # wakes the event follower so it can return
        self.events.close()
        for worker in [*self.workers, *self.events.threads()]:
            worker.join(timeout=10)
        if self.records is not None:
            self.records.close()
        self.store.close()
