// The small screen above one window: its current number and whether it is serving or paused.
"use strict";

const T = PAGE.t;
const N = PAGE.window.number;

function paint(w) {
  const state = document.getElementById("ws-state");
  const ticket = document.getElementById("ws-ticket");
  document.body.dataset.state = w.state;
  const number = w.state !== "closed" && w.current ? w.current.number : "";
  ticket.textContent = number;
  ticket.hidden = !number;  // a paused window may still be serving someone
  if (w.state === "paused") state.textContent = T.paused;
  else if (w.state === "closed") state.textContent = T.closed;
  else if (!w.current) state.textContent = T.idle;
  else state.textContent = w.current.status === "called" ? T.called : T.serving;
}

let current = null;
// The ticket leaves the window: finished, no-show, transferred away, or the citizen left.
const LEAVES = ["ticket.finished", "ticket.no_show", "ticket.transferred", "ticket.cancelled"];

const hall = followHall({
  onSnapshot(s) {
    current = s.windows.find((w) => w.number === N) || null;
    if (current) paint(current);
  },
  onEvent(ev) {
    const d = ev.data;
    if (!current || !d.window || d.window.number !== N) return;
    if (ev.type === "window.changed") {
      current.state = d.window.state;
      if (current.state === "closed") current.current = null;
    } else if (ev.type === "ticket.called" || ev.type === "ticket.recalled" || ev.type === "ticket.started") {
      current.current = d.ticket;
    } else if (LEAVES.includes(ev.type) && current.current
               && current.current.number === d.ticket.number) {
      current.current = null;
    }
    paint(current);
  },
});
reportHealth(hall, () => ({ page: "window", window: N }));
