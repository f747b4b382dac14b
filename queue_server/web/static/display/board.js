// The hall display: current call, windows, recent calls, waiting counts, notice, voice.
"use strict";

const T = PAGE.t;
const ZONE = PAGE.zone || "";
const RECENT_MAX = 8;
const FLASH_MS = 8000;
const VOICE_FRESH_MS = 120000;  // a call replayed after a long outage is shown, not spoken

const board = { windows: new Map(), recent: [], waiting: {}, notice: "" };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function inZone(n) { return board.windows.has(n); }

// 预约: a booked citizen's ticket carries a word beside its number (not colour alone).
function apptTag(ticket) { return ticket && ticket.appointment ? el("span", "appt-tag", T.appointment) : null; }

function zoneServices() {
  const codes = new Set();
  for (const w of board.windows.values()) for (const c of w.services) codes.add(c);
  return codes;
}

// --- rendering -------------------------------------------------------------------------------

function renderWindows() {
  const ul = document.getElementById("windows");
  ul.replaceChildren();
  // Cells keep one size however few windows a zone has (big halls: one display per zone).
  ul.style.gridTemplateRows = `repeat(${Math.max(3, Math.ceil(board.windows.size / 4))}, minmax(0, 1fr))`;
  for (const w of board.windows.values()) {
    const li = el("li", "win state-" + w.state);
    li.dataset.window = w.number;
    li.append(el("div", "win-label", windowLabel(w.number)));
    let text = "—";
    if (w.state === "paused") text = T.paused;
    else if (w.state === "closed") text = T.closed;
    else if (w.current) text = w.current.number;
    const num = el("div", w.current && w.state === "open" ? "win-number" : "win-number win-idle", text);
    const tag = w.state === "open" && apptTag(w.current);
    if (tag) num.append(tag);
    li.append(num);
    if (w.flashUntil && w.flashUntil > Date.now()) li.classList.add("flash");
    ul.append(li);
  }
}

function renderRecent() {
  const ol = document.getElementById("recent");
  ol.replaceChildren();
  for (const r of board.recent) {
    const li = el("li", "recent-item");
    li.dataset.number = r.number;
    const num = el("span", "recent-number", r.number);
    if (r.appointment) num.append(apptTag(r));
    li.append(num, el("span", "recent-window", windowLabel(r.window)));
    ol.append(li);
  }
}

function renderWaiting() {
  const ul = document.getElementById("waiting");
  ul.replaceChildren();
  const codes = zoneServices();
  for (const svc of PAGE.services) {
    const code = svc.code;
    if (!codes.has(code)) continue;
    const li = el("li", "svc");
    li.dataset.service = code;
    const row = el("div", "svc-count");
    // "{n} 人", "{n} كىشى", "{n}": the big count with the words around it, as the language has them
    const [before, after] = T.people_count.split("{n}");
    row.append(el("span", "svc-label", T.waiting));
    if (before.trim()) row.append(el("span", "svc-unit", before.trim()));
    row.append(el("span", "count", String(board.waiting[code] || 0)),
               el("span", "svc-unit", after.trim()));
    li.append(el("div", "svc-name", svc.prefix + " " + svc.name), row);
    ul.append(li);
  }
}

function renderNotice() {
  const span = document.getElementById("notice");
  if (span.textContent === board.notice) return;
  span.textContent = board.notice;
  // Speed in px/s stays the same whatever the length of the notice.
  const seconds = Math.max(12, (span.scrollWidth + window.innerWidth) / 120);
  span.style.animationDuration = seconds + "s";
}

function showHero(number, windowNumber, flash) {
  document.getElementById("hero-number").textContent = number;
  document.getElementById("hero-window").textContent = fmt(T.please_go, { window: windowLabel(windowNumber) });
  const hero = document.getElementById("hero");
  if (flash) {
    hero.classList.remove("flash");
    void hero.offsetWidth;  // restart the animation for back-to-back calls
    hero.classList.add("flash");
  }
}

function renderAll() { renderWindows(); renderRecent(); renderWaiting(); renderNotice(); }

// --- the clock -------------------------------------------------------------------------------

let stream = null;
let shownDate = "";
function tickClock() {
  const now = stream ? stream.serverNow() : new Date();
  const tag = DATE_LOCALE;
  const date = new Intl.DateTimeFormat(tag, {
    timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric", weekday: "long",
  }).format(now);
  if (shownDate && date !== shownDate && stream) stream.refresh();  // a new hall day: today's calls only
  shownDate = date;
  document.getElementById("date").textContent = date;
  document.getElementById("time").textContent = new Intl.DateTimeFormat(tag, {
    timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  }).format(now);
}

// --- voice: chime, announcement, N times; one call at a time, in order ------------------------

const voice = {
  queue: [],
  busy: false,
  enqueue(eventId) {
    this.queue.push(eventId);
    if (!this.busy) this.run();
  },
  async run() {
    this.busy = true;
    while (this.queue.length) {
      const id = this.queue.shift();
      for (let i = 0; i < PAGE.voice.repeat; i++) {
        if (PAGE.voice.chime) await playOnce(PAGE.chime_url);
        await playOnce("/api/v1/announcements/" + id + ".wav");
      }
    }
    this.busy = false;
  },
};

function playOnce(url) {
  // Resolves when the clip ends, fails, or is blocked: a broken clip never stalls the queue.
  return new Promise((resolve) => {
    const audio = new Audio(url);
    let done = false;
    const finish = () => { if (!done) { done = true; clearTimeout(guard); resolve(); } };
    const guard = setTimeout(finish, 30000);
    audio.addEventListener("ended", finish);
    audio.addEventListener("error", finish);
    audio.play().catch(() => setTimeout(finish, 300));
  });
}

// --- events ----------------------------------------------------------------------------------

function onSnapshot(s) {
  board.windows = new Map();
  for (const w of s.windows) {
    if (ZONE && w.zone !== ZONE) continue;
    board.windows.set(w.number, { ...w });
  }
  board.recent = s.recent_calls.filter((r) => inZone(r.window))
    .slice(0, RECENT_MAX).map((r) => ({ number: r.number, window: r.window, appointment: r.appointment }));
  board.waiting = {};
  for (const svc of s.services) board.waiting[svc.code] = svc.waiting;
  board.notice = s.notice || "";
  if (board.recent.length) showHero(board.recent[0].number, board.recent[0].window, false);
  renderAll();
}

function onEvent(ev, ageMs) {
  const d = ev.data;
  if (d.waiting) { board.waiting = d.waiting; renderWaiting(); }
  const wn = d.window ? d.window.number : null;
  switch (ev.type) {
    case "ticket.called":
    case "ticket.recalled": {
      if (!inZone(wn)) return;
      const w = board.windows.get(wn);
      w.current = d.ticket;
      w.flashUntil = Date.now() + FLASH_MS;
      board.recent = [{ number: d.ticket.number, window: wn, appointment: d.ticket.appointment },
        ...board.recent.filter((r) => r.number !== d.ticket.number)].slice(0, RECENT_MAX);
      showHero(d.ticket.number, wn, true);
      renderWindows();
      renderRecent();
      setTimeout(renderWindows, FLASH_MS + 50);
      if (ageMs < VOICE_FRESH_MS) voice.enqueue(ev.id);
      return;
    }
    case "ticket.started":
    case "ticket.finished":
    case "ticket.no_show":
    case "ticket.transferred":
    case "ticket.cancelled": {  // the citizen left, also while being called
      const w = board.windows.get(wn);
      if (w && w.current && w.current.number === d.ticket.number) {
        w.current = ev.type === "ticket.started" ? d.ticket : null;
        renderWindows();
      }
      return;
    }
    case "window.changed": {
      const w = board.windows.get(wn);
      if (!w) return;
      w.state = d.window.state;
      if (w.state === "closed") w.current = null;
      renderWindows();
      return;
    }
    case "notice.changed":
      board.notice = d.notice || "";
      renderNotice();
      return;
  }
}

stream = followHall({ onSnapshot, onEvent });
reportHealth(stream, () => ({ page: "board", zone: ZONE }));
tickClock();
setInterval(tickClock, 1000);
