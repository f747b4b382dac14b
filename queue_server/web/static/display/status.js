// The citizen's ticket page (QR target): polled, not streamed, so hundreds of phones never hold
// the server threads the hall displays need (an SSE stream holds one thread each).
"use strict";

const T = PAGE.t;
const POLL_MS = 4000;
let ticket = PAGE.ticket;

function windowText(w) {
  if (!w) return "";
  let s = windowLabel(w.number);
  // On a right-to-left page the hall's zone ("B区") and the room keep their own order (isolates).
  const own = (x) => (document.dir === "rtl" && x ? "\u2068" + x + "\u2069" : x);
  const room = w.room ? own(fmt(T.room, { room: w.room })) : "";
  const where = [own(w.zone), room].filter(Boolean).join(" ");
  return where ? s + fmt(T.where, { where: where }) : s;
}

function waitText(seconds) {
  if (seconds === null || seconds === undefined) return T.unknown_wait;
  if (seconds === 0) return T.no_wait;  // nobody ahead and a window is free
  if (seconds < 60) return T.under_a_minute;
  return fmt(T.minutes, { n: Math.round(seconds / 60) });
}

const timeFmt = new Intl.DateTimeFormat(DATE_LOCALE, {
  timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});

function paint() {
  const st = document.getElementById("st-state");
  const text = {
    waiting: T.state_waiting,
    called: fmt(T.state_called, { window: windowText(ticket.window) }),
    serving: fmt(T.state_serving, { window: windowText(ticket.window) }),
    done: T.state_done,
    no_show: T.state_no_show,
    cancelled: T.state_cancelled,
    expired: T.state_expired,
  }[ticket.status] || ticket.status;
  st.textContent = text;
  document.body.dataset.status = ticket.status;
  const waiting = ticket.status === "waiting";
  document.getElementById("st-ahead-row").hidden = !waiting;
  document.getElementById("st-wait-row").hidden = !waiting;
  const nearby = document.getElementById("st-nearby");  // other halls: only while waiting here
  if (nearby) nearby.hidden = !waiting;
  document.getElementById("st-ahead").textContent = waiting ? fmt(T.people_count, { n: ticket.ahead }) : "";
  document.getElementById("st-wait").textContent = waiting ? waitText(ticket.estimated_wait_s) : "";
  document.getElementById("st-issued").textContent = timeFmt.format(new Date(ticket.issued_at));
  document.getElementById("st-updated").textContent = fmt(T.updated_at, { time: timeFmt.format(new Date()) });
}

async function poll() {
  try {
    const r = await fetch("/api/v1/tickets/" + encodeURIComponent(PAGE.ticket_id), { cache: "no-store" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    ticket = await r.json();
    document.getElementById("conn").hidden = true;
    paint();
  } catch (e) {
    document.getElementById("conn").hidden = false;
  }
}

paint();
setInterval(poll, POLL_MS);
document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
