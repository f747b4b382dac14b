// Guide console (/guide, standard §7.5 and §8.1.5): queues at a glance, priority tickets
// (绿色通道), reinstating no-shows, device health with alerts, the display notice, the ledger.
"use strict";

(() => {
  const {t, api, el, PAGE} = Staff;
  const $ = id => document.getElementById(id);
  const services = Object.fromEntries(PAGE.services.map(s => [s.code, s]));
  const knownAlerts = new Set();


  async function refreshOverview() {
    try {
      const data = await api("GET", "/api/v1/guide/overview");
      Staff.setServerNow(data.now);
      const body = $("queues").tBodies[0];
      body.textContent = "";
      for (const q of data.queues) {
        body.append(el("tr", {"data-service": q.code, class: q.waiting && !q.open_windows ? "alert" : ""},
          el("td", {}, `${q.prefix} · ${Staff.localName(q.name)}`), el("td", {class: "num"}, q.waiting),
          el("td", {}, q.waiting ? Staff.duration(q.longest_wait_s) : "—"), el("td", {class: "num"}, q.open_windows)));
      }
      const nb = $("noshows").tBodies[0];
      nb.textContent = "";
      if (!data.no_shows.length) nb.append(el("tr", {}, el("td", {colspan: 4, class: "muted"}, t("no_items"))));
      for (const ns of data.no_shows) {
        nb.append(el("tr", {"data-number": ns.number},
          el("td", {class: "num"}, ns.number), el("td", {}, ns.window || "—"), el("td", {}, Staff.time(ns.called_at)),
          el("td", {}, el("button", {type: "button", class: "small", onclick: () => reinstate(ns)}, t("reinstate")))));
      }
    } catch (err) { Staff.banner(err.message); }
  }

  async function reinstate(ns) {
    try {
      await api("POST", `/api/v1/tickets/${encodeURIComponent(ns.id)}/reinstate`, {});
      Staff.status($("noshow-status"), t("reinstated", {number: ns.number}));
      refreshOverview();
    } catch (err) { Staff.status($("noshow-status"), err.message, true); }
  }

  function printerText(word) { return word ? t("printer_" + word) : "—"; }

  async function refreshDevices() {
    try {
      const data = await api("GET", "/api/v1/devices");
      const body = $("devices").tBodies[0];
      body.textContent = "";
      if (!data.devices.length) body.append(el("tr", {}, el("td", {colspan: 5, class: "muted"}, t("no_items"))));
      for (const d of data.devices) {
        const printer = d.status && d.status.printer;
        body.append(el("tr", {class: d.alert ? "alert" : "", "data-device": d.id},
          el("td", {}, d.name, " ", el("small", {}, d.id)), el("td", {}, t("kind_" + d.kind)),
          el("td", {}, d.last_seen ? (d.online ? t("online") : t("offline")) : t("never_seen")),
          el("td", {}, printerText(printer)), el("td", {}, Staff.time(d.last_seen))));
        // Alerts already standing when the page opens are shown here; new ones come as events.
        const key = d.id + ":" + (d.online ? printer : "offline");
        if (d.last_seen && d.alert && !knownAlerts.has(key)) {
          knownAlerts.add(key);
          Staff.banner(t("device_alert", {device: d.name, problem: d.online ? printerText(printer) : t("offline")}), true);
        }
      }
    } catch (err) { Staff.banner(err.message); }
  }

  let counter = 0;
  function requestId() {
    const rnd = crypto.getRandomValues(new Uint32Array(2));
    return `guide-${Date.now().toString(36)}-${rnd[0].toString(36)}${rnd[1].toString(36)}-${counter++}`;
  }

  let pending = null; // the request id is kept until the server answers, so a retry is idempotent
  $("priority-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const form = ev.target, statusEl = $("priority-status");
    Staff.clearErrors(form);
    Staff.status(statusEl, "");
    const reason = form.querySelector('[name="priority_reason"]:checked');
    const body = {service: form.service.value, priority_reason: reason ? reason.value : null, channel: "guide"};
    const key = JSON.stringify(body);
    if (!pending || pending.key !== key) pending = {key, id: requestId()};
    try {
      const print = form.print ? form.print.checked : false;
      const ticket = await api("POST", "/api/v1/tickets", {...body, request_id: pending.id, print});
      pending = null;
      if (ticket.print_error) Staff.status(statusEl, ticket.print_error, true);
      else if (ticket.printer) Staff.status(statusEl, t("printed_at_desk"));
      $("issued").hidden = false;
      $("issued-number").textContent = ticket.number;
      const svc = services[ticket.service];
      $("issued-service").textContent = `${svc ? svc.name : ticket.service} · ${t("pr_" + ticket.priority_reason)}`;
      $("issued-qr").src = "/staff/qr.svg?data=" + encodeURIComponent(ticket.status_url);
      refreshOverview();
    } catch (err) { Staff.showError(form, err, statusEl); }
  });

  async function loadNotice() {
    try { $("notice-text").value = (await api("GET", "/api/v1/hall")).notice || ""; } catch (err) { /* keep typed */ }
  }

  $("notice-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const form = ev.target, statusEl = $("notice-status");
    Staff.clearErrors(form);
    Staff.status(statusEl, "");
    try {
      await api("POST", "/api/v1/notice", {text: $("notice-text").value});
      Staff.status(statusEl, t("notice_saved"));
    } catch (err) { Staff.showError(form, err, statusEl); }
  });

  const later = Staff.debounce(refreshOverview, 200);
  Staff.follow(ev => {
    if (ev.type === "device.alert") {  // a printer problem, or a device silent (§8.1.5)
      const d = ev.data || {};
      const silent = d.problem === "silent";
      knownAlerts.add(d.device + ":" + (silent ? "offline" : d.printer));
      const problem = silent ? t("device_silent") : printerText(d.printer);
      Staff.banner(t("device_alert", {device: d.name || d.device, problem}), true);
      refreshDevices();
    } else if (ev.type === "device.recovered") {
      const d = ev.data || {};
      for (const key of [...knownAlerts]) {
        if (key.startsWith(d.device + ":")) knownAlerts.delete(key);  // a new alert shows again
      }
      Staff.banner(t("device_back", {device: d.name || d.device}));
      refreshDevices();
    } else if (ev.type === "ledger.changed") {
      Ledger.load();
    } else if (ev.type.startsWith("ticket.") || ev.type === "window.changed" || ev.type === "day.closed") {
      later();
    }
  }, () => { refreshOverview(); refreshDevices(); });
  refreshOverview();
  refreshDevices();
  loadNotice();
  Staff.loadPhrases();
  Ledger.init();
  setInterval(refreshOverview, 30000);
  setInterval(refreshDevices, 15000);
  setInterval(Ledger.load, 60000);
})();
