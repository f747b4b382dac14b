// Shared by the hall pages: the page config, text formatting, and following the hall's events.
// followHall() paints from /api/v1/display/state first, then follows /api/v1/events from the
// last event it has seen. After any drop (network, server restart) it re-reads the snapshot and
// resumes from that same last id, so events made while it was away are replayed, none missed.
"use strict";

const PAGE = JSON.parse(document.getElementById("page-config").textContent);

function fmt(template, params) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

function windowLabel(n) {
  return fmt(PAGE.t.window_label, { n: n });
}

const HALL_EVENT_TYPES = [
  "ticket.issued", "ticket.called", "ticket.recalled", "ticket.started", "ticket.no_show",
  "ticket.finished", "ticket.transferred", "ticket.reinstated", "window.changed", "notice.changed",
  "day.closed", "config.reloaded",
];

function followHall(handlers) {
  let lastId = null;
  let source = null;
  let delay = 500;
  let serverOffsetMs = 0;
  const setOnline = (ok) => {
    const el = document.getElementById("conn");
    if (el) el.hidden = ok;
    if (handlers.onStatus) handlers.onStatus(ok);
  };

  function retry() {
    setOnline(false);
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 4000);
  }

  async function connect() {
    let snap;
    try {
      const r = await fetch("/api/v1/display/state", { cache: "no-store" });
      if (!r.ok) throw new Error("HTTP " + r.status);
      snap = await r.json();
    } catch (e) {
      retry();
      return;
    }
    serverOffsetMs = Date.parse(snap.now) - Date.now();
    if (lastId === null) lastId = snap.last_event_id;
    handlers.onSnapshot(snap);
    source = new EventSource("/api/v1/events?last_event_id=" + lastId);
    source.onopen = () => { delay = 500; setOnline(true); };
    for (const type of HALL_EVENT_TYPES) {
      source.addEventListener(type, (msg) => {
        const ev = JSON.parse(msg.data);
        if (ev.id <= lastId) return;  // the browser's own retry may repeat one
        lastId = ev.id;
        if (ev.type === "day.closed") { refresh(); return; }  // the board starts clean
        // New service names, notice or hall name (§8.1.4): the page is drawn from the server.
        if (ev.type === "config.reloaded") { location.reload(); return; }
        const ageMs = Date.now() + serverOffsetMs - Date.parse(ev.at);
        handlers.onEvent(ev, ageMs);
      });
    }
    source.onerror = () => {
      source.close();  // our own loop reconnects, always through a fresh snapshot
      retry();
    };
  }

  async function refresh() {
    // Repaint from a fresh snapshot without touching the stream (e.g. a new hall day).
    try {
      const r = await fetch("/api/v1/display/state", { cache: "no-store" });
      if (r.ok) handlers.onSnapshot(await r.json());
    } catch (e) { /* the stream's own retry reports the outage */ }
  }

  connect();
  return { serverNow: () => new Date(Date.now() + serverOffsetMs), refresh };
}
