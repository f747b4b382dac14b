// Window console (/window/<n>): window state, the current ticket and its actions, the queue
// with "call this one", the business guide and the §7.1 prompts. State always comes from the
// server (after each action and on each hall event), so two tabs on one window agree.
"use strict";

(() => {
  const {t, api, el, serviceName, PAGE} = Staff;
  const N = PAGE.window;
  const base = `/api/v1/windows/${N}`;
  const $ = id => document.getElementById(id);
  const statusLine = $("action-status");
  let current = null, windowState = null, phrases = null, flow = null, guideFor = null, busy = false;

  // 预约: a ticket checked in on time for its booked slot (called ahead of walk-ins).
  function apptMark(tk) { return tk && tk.appointment_at ? t("appt_at", {time: tk.appointment_at.slice(11, 16)}) : ""; }

  async function refresh() {
    try {
      const [q, wins] = await Promise.all([api("GET", `${base}/queue`), api("GET", "/api/v1/windows")]);
      const me = wins.windows.find(w => w.number === N);
      windowState = me ? me.state : null;
      const before = current && current.id;
      current = q.current;
      if (current && current.id !== before) flow = "called";
      if (current && current.status === "serving") flow = "serving";
      if (!current && flow !== "finished") flow = null;
      render(q.waiting);
    } catch (err) {
      Staff.status(statusLine, err.message, true);
    }
  }

  function render(waiting) {
    const st = $("window-state");
    st.textContent = windowState ? t("state_" + windowState) : "—";
    st.className = "state state-" + (windowState || "unknown");
    $("btn-open").disabled = windowState === "open";
    $("btn-pause").disabled = windowState !== "open";
    $("btn-close").disabled = windowState === "closed";
    const active = !!current;
    $("btn-next").disabled = windowState !== "open";
    for (const id of ["btn-recall", "btn-noshow", "btn-finish", "btn-transfer"]) $(id).disabled = !active;
    $("btn-start").disabled = !(current && current.status === "called");

    $("cur-number").textContent = current ? current.number : "—";
    $("cur-number").classList.toggle("priority", !!(current && current.priority_reason));
    $("cur-service").textContent = current ? serviceName(current.service) : t("no_current");
    $("cur-status").textContent = current ? t("st_" + current.status) : "—";
    $("cur-waited").textContent = current
      ? Staff.duration((new Date(current.called_at || Staff.now()) - new Date(current.issued_at)) / 1000) : "—";
    $("cur-priority").textContent = current && current.priority_reason ? t("pr_" + current.priority_reason) : "—";
    $("cur-number").classList.toggle("appointment", !!apptMark(current));
    if ($("cur-appointment")) $("cur-appointment").textContent = apptMark(current) || "—";

    const body = $("queue-list").tBodies[0];
    body.textContent = "";
    $("queue-count").textContent = waiting.length;
    if (!waiting.length) body.append(el("tr", {}, el("td", {colspan: 5, class: "muted"}, t("nobody_waiting"))));
    for (const w of waiting) {
      body.append(el("tr", {class: w.priority_reason ? "priority" : apptMark(w) ? "appointment" : "",
                            "data-number": w.number},
        el("td", {class: "num"}, w.number), el("td", {}, serviceName(w.service)),
        el("td", {}, w.priority_reason ? t("pr_" + w.priority_reason)
          : apptMark(w) ? el("span", {class: "badge appt"}, apptMark(w)) : ""),
        el("td", {}, Staff.since(w.issued_at)),
        el("td", {}, el("button", {type: "button", class: "small", disabled: windowState !== "open",
          onclick: () => act("call-next", {ticket_id: w.id})}, t("call_this")))));
    }
    renderFlow();
    if (current && current.service !== guideFor) loadGuide(current.service);
  }

  // §7.1: greet when called, then the process, then the closing words and the rating prompt.
  function renderFlow() {
    const step = $("flow-step"), list = $("flow-prompts");
    list.textContent = "";
    const prompts = (phrases && phrases.prompts) || {};
    const polite = Object.fromEntries(((phrases && phrases.polite) || []).map(g => [g.situation, g.phrases]));
    let lines = [];
    if (flow === "called") { step.textContent = t("step_called"); lines = prompts.on_call || []; }
    else if (flow === "serving") { step.textContent = t("step_serving"); lines = polite.process || []; }
    else if (flow === "finished") { step.textContent = t("step_finished"); lines = prompts.on_finish || []; }
    else { step.textContent = ""; return; }
    const rating = new Set(prompts.satisfaction || []);
    for (const p of lines) list.append(el("li", {class: rating.has(p) ? "rate" : ""}, p));
    if (flow === "finished") list.append(el("li", {class: "muted"}, t("rate_prompt")));
  }

  async function loadGuide(service) {
    guideFor = service;
    const box = $("guide-items");
    $("guide-service").textContent = serviceName(service);
    try {
      const data = await api("GET", "/api/v1/items?service=" + encodeURIComponent(service));
      box.textContent = "";
      if (!data.items.length) box.append(el("p", {class: "muted"}, t("no_guide")));
      for (const it of data.items) {
        const name = Staff.localName(it.name) || it.code;
        box.append(el("details", {open: data.items.length <= 2 ? true : null},
          el("summary", {}, name),
          el("dl", {class: "facts"},
            el("dt", {}, t("materials")), el("dd", {}, el("ul", {}, (it.materials || []).map(m => el("li", {}, m)))),
            el("dt", {}, t("time_limit")), el("dd", {}, it.time_limit || "—"),
            el("dt", {}, t("legal_basis")), el("dd", {}, it.legal_basis || "—"),
            el("dt", {}, t("room")), el("dd", {}, [it.room, (it.window_names || []).join("、")].filter(Boolean).join(" · ")))));
      }
    } catch (err) { box.textContent = err.message; }
  }

  async function act(action, body) {
    if (busy) return;
    busy = true;
    Staff.status(statusLine, "");
    try {
      const result = await api("POST", `${base}/${action}`, body || {});
      if (action === "call-next") {
        Staff.status(statusLine, result ? t("called_ticket", {number: result.number}) : t("nobody_to_call"));
      }
      if (action === "finish") flow = "finished";
      if (action === "no-show" || action === "transfer") flow = null;
      await refresh();
      if (action === "call-next" && result) { flow = "called"; renderFlow(); }
    } catch (err) {
      if (action === "transfer") Staff.showError($("transfer-form"), err, statusLine);
      else Staff.status(statusLine, err.message, true);
    } finally {
      busy = false;
    }
  }

  document.querySelectorAll("[data-action]").forEach(b => b.addEventListener("click", () => act(b.dataset.action)));
  $("transfer-form").addEventListener("submit", ev => {
    ev.preventDefault();
    Staff.clearErrors($("transfer-form"));
    act("transfer", {service: $("transfer-service").value});
  });

  // Keyboard shortcuts for the frequent actions; never while typing in a field.
  const KEYS = {n: "btn-next", r: "btn-recall", s: "btn-start", x: "btn-noshow", f: "btn-finish",
    o: "btn-open", p: "btn-pause", c: "btn-close"};
  document.addEventListener("keydown", ev => {
    if (ev.ctrlKey || ev.altKey || ev.metaKey) return;
    const tag = (ev.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || ev.target.isContentEditable) return;
    const k = ev.key.toLowerCase();
    if (KEYS[k]) { ev.preventDefault(); const b = $(KEYS[k]); if (!b.disabled) b.click(); }
    else if (k === "t") { ev.preventDefault(); $("transfer-service").focus(); }
    else if (k === "l") { ev.preventDefault(); document.querySelector('#ledger-form [name="name"]').focus(); }
  });

  const later = Staff.debounce(refresh, 150);
  Staff.follow(ev => (ev.type === "ledger.changed" ? Ledger.load() : later()), refresh);
  Staff.loadPhrases().then(p => { phrases = p; renderFlow(); });
  refresh();
  setInterval(refresh, 30000); // waits keep counting; also a safety net beside the stream
  Ledger.init();
})();
