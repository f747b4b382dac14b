// Evaluator tablet (/evaluate/<n>, 好差评, standard §7.1 and §9.2). Authenticates with the
// evaluator's device token: opened once as /evaluate/<n>?token=…, the token is kept in
// localStorage and removed from the address bar. After the window finishes a ticket the scale
// appears; 1–2 ask for reasons; the screen returns to idle after a timeout.
"use strict";

(() => {
  const {t, api, PAGE} = Staff;
  const N = PAGE.window;
  const KEY = "hallqueue.evaluator.token";
  const SCALE_TIMEOUT_MS = 90 * 1000;   // the citizen walked away without rating
  const DONE_MS = 5 * 1000;
  const $ = id => document.getElementById(id);
  const screens = ["eval-idle", "eval-scale", "eval-reasons", "eval-done"];
  let token = null, deviceId = null, pending = null, level = null, timer = null;
  const dismissed = new Set(); // tickets shown and timed out: not offered again on this tablet

  const params = new URLSearchParams(location.search);
  if (params.get("token")) {
    localStorage.setItem(KEY, params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
  }
  token = localStorage.getItem(KEY);

  function show(id) {
    for (const s of screens) $(s).hidden = s !== id;
    clearTimeout(timer);
    if (id === "eval-scale" || id === "eval-reasons") timer = setTimeout(timeout, SCALE_TIMEOUT_MS);
    if (id === "eval-done") timer = setTimeout(() => { show("eval-idle"); check(); }, DONE_MS);
  }

  function timeout() {
    if (pending) dismissed.add(pending.ticket_id);
    pending = null;
    show("eval-idle");
  }

  function setupMessage(text) {
    const el = $("eval-setup");
    el.textContent = text;
    el.hidden = !text;
  }

  async function check() {
    if (!token || $("eval-idle").hidden) return; // never replace a screen the citizen is using
    try {
      const p = await api("GET", `/api/v1/windows/${N}/pending-evaluation`, null, {token});
      if (p && !dismissed.has(p.ticket_id) && !$("eval-idle").hidden) {
        pending = p;
        $("eval-number").textContent = p.number;
        show("eval-scale");
      }
    } catch (err) {
      if (err.status === 401 || err.status === 403) setupMessage(t("eval_token_bad"));
    }
  }

  async function submit(body) {
    try {
      await api("POST", "/api/v1/evaluations", {ticket_id: pending.ticket_id, ...body}, {token});
      $("eval-done-text").textContent = t("eval_thanks");
      pending = null;
      show("eval-done");
    } catch (err) {
      if (err.status === 409) {
        $("eval-done-text").textContent = t("eval_already");
        pending = null;
        show("eval-done");
      } else if (err.field && !$("eval-reasons").hidden) {
        Staff.showError($("reasons-form"), err);
      } else {
        $("eval-done-text").textContent = err.message;
        show("eval-done");
      }
    }
  }

  document.querySelectorAll("[data-level]").forEach(b => b.addEventListener("click", () => {
    level = Number(b.dataset.level);
    if (level <= 2) {
      $("reasons-form").reset();
      Staff.clearErrors($("reasons-form"));
      show("eval-reasons");
    } else {
      submit({level});
    }
  }));
  $("reasons-form").addEventListener("change", () => Staff.clearErrors($("reasons-form")));
  $("reasons-back").addEventListener("click", () => show("eval-scale"));
  $("reasons-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const form = ev.target;
    Staff.clearErrors(form);
    const reasons = [...form.querySelectorAll('[name="reasons"]:checked')].map(c => c.value);
    if (!reasons.length) {
      form.querySelector('[data-error-for="reasons"]').textContent = t("reasons_needed");
      return;
    }
    const comment = form.comment.value.trim();
    const contact = form.contact.value.trim();  // a 差评 with a phone is called back (回访)
    submit({level, reasons, ...(comment ? {comment} : {}), ...(contact ? {contact} : {})});
  });
  // Any touch keeps the scale up while the citizen is choosing.
  document.addEventListener("pointerdown", () => {
    if (!$("eval-scale").hidden || !$("eval-reasons").hidden) {
      clearTimeout(timer);
      timer = setTimeout(timeout, SCALE_TIMEOUT_MS);
    }
  });

  async function heartbeat() {
    if (!deviceId) return;
    try { await api("POST", `/api/v1/devices/${encodeURIComponent(deviceId)}/heartbeat`, {status: {}}, {token}); }
    catch (err) { /* the guide console shows the evaluator offline */ }
  }

  async function start() {
    show("eval-idle");
    if (!token) { setupMessage(t("eval_no_token", {window: N})); return; }
    try {
      const me = await api("GET", "/api/v1/auth/me", null, {token});
      deviceId = me.id;
    } catch (err) {
      setupMessage(t("eval_token_bad"));
      return;
    }
    heartbeat();
    setInterval(heartbeat, 10000);
    Staff.follow(ev => {
      const w = ev.data && ev.data.window;
      if (ev.type === "ticket.finished" && w && w.number === N) check();
    }, check);
    check();
    setInterval(check, 15000); // a safety net beside the stream
  }

  start();
})();
