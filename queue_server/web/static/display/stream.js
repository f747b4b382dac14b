// Shared by the hall pages: the page config, text formatting, and following the hall's events.
// followHall() paints from /api/v1/display/state first, then follows /api/v1/events from the
// last event it has seen. After any drop (network, server restart) it re-reads the snapshot and
// resumes from that same last id, so events made while it was away are replayed, none missed.
"use strict";

const PAGE = JSON.parse(document.getElementById("page-config").textContent);

function fmt(template, params) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

// Dates and times in the page's language where the browser knows it (a Chromium build may lack
// Uyghur's calendar data: then the Chinese form, not a half-English "M11 30, Mon").
const DATE_LOCALE = Intl.DateTimeFormat.supportedLocalesOf([document.documentElement.lang]).length
  ? document.documentElement.lang : "zh-CN";

function windowLabel(n) {
  return fmt(PAGE.t.window_label, { n: n });
}

// Every type the server declares (queue_server/core/events.py), served with the page; each
// page's onEvent picks the ones it shows.
const EVENT_TYPES = JSON.parse(document.getElementById("event-types").textContent);

function followHall(handlers) {
  let lastId = null;
  let source = null;
  let delay = 500;
  let serverOffsetMs = 0;
  let online = false;
  const setOnline = (ok) => {
    online = ok;
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
    for (const type of EVENT_TYPES) {
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
  return { serverNow: () => new Date(Date.now() + serverOffsetMs), refresh, online: () => online };
}

// A hall screen registered as a device reports a heartbeat, so the guide desk sees a dark or
// frozen screen (§8.1.5). Register it (queue-server create-device board-a --kind display) and
// open the page once with ?token=…: the token is kept in this browser (localStorage, one per
// page address) and taken out of the address bar. Beats go out only while the page follows the
// hall's events: a screen that cannot show live calls counts as silent. Without a token the
// page works as before, unseen by the guide desk. ``describe()`` says which screen this is.
function reportHealth(hall, describe) {
  const params = new URLSearchParams(location.search);
  const zone = params.get("zone") || "";
  const key = "hallqueue.display.token " + location.pathname + "?zone=" + zone;
  if (params.has("token")) {
    if (params.get("token")) localStorage.setItem(key, params.get("token"));
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
  const token = localStorage.getItem(key);
  if (!token) return;
  const note = document.getElementById("device-note");
  const call = (method, path, body) => fetch(path, {
    method, cache: "no-store", credentials: "omit",  // the token alone, never a staff cookie
    headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  let deviceId = null;
  let everyMs = 10000;  // until the server says how often (a third of its silence limit)

  async function beat() {
    let next = hall.online() ? everyMs : 1000;  // the first beat as soon as the stream is up
    try {
      if (deviceId === null) {
        const r = await call("GET", "/api/v1/auth/me");
        const me = r.ok ? await r.json() : null;
        if (r.status === 401 || r.status === 403 || (me && me.type !== "device")) throw "refused";
        if (me) deviceId = me.id;
      }
      if (deviceId !== null && hall.online()) {
        const path = "/api/v1/devices/" + encodeURIComponent(deviceId) + "/heartbeat";
        const r = await call("POST", path, { status: describe() });
        if (r.status === 401 || r.status === 403) throw "refused";
        if (r.ok) everyMs = next = 1000 * ((await r.json()).every_s || 10);
      }
      if (note) note.hidden = true;
    } catch (e) {
      if (e === "refused") {  // revoked or mistyped: say so where the IT staff will see it
        if (note) note.hidden = false;
        deviceId = null;
        next = 60000;
      }  // otherwise the server is away: the stream's banner shows it, the desk sees silence
    }
    setTimeout(beat, next);
  }
  beat();
}
