// 差评 follow-up (回访, finding, 整改; §9.3). On the guide and admin consoles it lists the overdue
// items (#followups-overdue); on /admin/followups (#followups-page) the supervisor records the
// call, the finding and the rectification of each item.
"use strict";

(() => {
  const {t, api, el} = Staff;
  const $ = id => document.getElementById(id);
  const STEP = {call: "call", finding: "finding", rectify: "rectification"};
  const REFRESH_MS = 60 * 1000;

  function stepText(item) { return t("fu_status_" + item.status); }

  async function loadOverdue() {
    const body = $("followups-overdue-list").tBodies[0];
    try {
      const data = await api("GET", "/api/v1/followups?status=overdue");
      body.textContent = "";
      if (!data.items.length) body.append(el("tr", {}, el("td", {colspan: 5, class: "muted"}, t("no_items"))));
      for (const item of data.items) {
        body.append(el("tr", {class: "overdue", "data-followup": item.id},
          el("td", {}, item.day), el("td", {class: "num"}, item.ticket_number || "—"),
          el("td", {}, item.window || "—"), el("td", {}, stepText(item)), el("td", {}, item.due || "—")));
      }
    } catch (err) { body.textContent = ""; body.append(el("tr", {}, el("td", {colspan: 5}, err.message))); }
  }

  // --- the supervisor's page ----------------------------------------------------------------
  let current = null;

  function reasonsText(codes) {
    const names = (Staff.PAGE.reasons || {});
    return codes.map(c => names[c] || c).join("、");
  }

  async function showNumber(item, cell) {
    try {
      const full = await api("GET", `/api/v1/followups/${item.id}`);
      cell.textContent = full.contact;
    } catch (err) { Staff.status($("followups-status-line"), err.message, true); }
  }

  function openForm(item) {
    current = item;
    const form = $("followup-form"), step = STEP[item.status];
    form.reset();
    Staff.clearErrors(form);
    form.querySelectorAll("[data-step]").forEach(d => { d.hidden = d.dataset.step !== step; });
    $("followup-form-title").textContent = t("fu_form_" + step, {number: item.ticket_number || ""});
    form.hidden = false;
    form.querySelector("[data-step]:not([hidden]) textarea, [data-step]:not([hidden]) input").focus();
  }

  async function loadPage() {
    const status = $("followups-status").value;
    const body = $("followups").tBodies[0];
    try {
      const data = await api("GET", `/api/v1/followups?status=${encodeURIComponent(status)}`);
      body.textContent = "";
      if (!data.items.length) body.append(el("tr", {}, el("td", {colspan: 10, class: "muted"}, t("no_items"))));
      for (const item of data.items) {
        const contact = el("td", {class: "mono"}, item.contact_masked);
        const actions = el("td", {},
          el("button", {type: "button", class: "small", "data-action": "number",
                        onclick: () => showNumber(item, contact)}, t("fu_show_number")),
          item.status in STEP ? el("button", {type: "button", class: "small primary", "data-action": STEP[item.status],
                                              onclick: () => openForm(item)}, t("fu_do_" + STEP[item.status])) : null);
        body.append(el("tr", {class: item.overdue ? "overdue" : "", "data-followup": item.id},
          el("td", {}, item.day), el("td", {class: "num"}, item.ticket_number || "—"), el("td", {}, item.window || "—"),
          el("td", {}, item.staff_name || "—"), el("td", {}, item.level),
          el("td", {}, reasonsText(item.reasons), item.comment ? el("div", {class: "muted"}, item.comment) : null),
          contact, el("td", {class: "step"}, stepText(item), item.finding ? el("div", {class: "muted"}, t("fu_finding_" + item.finding)) : null),
          el("td", {}, item.due || "—"), actions));
      }
    } catch (err) { Staff.status($("followups-status-line"), err.message, true); }
  }

  function localIso(value) { return value ? value + ":00" : undefined; }  // hall time

  async function save(ev) {
    ev.preventDefault();
    const form = ev.target, step = STEP[current.status];
    Staff.clearErrors(form);
    const body = step === "call" ? {call_summary: form.call_summary.value, called_at: localIso(form.called_at.value)}
      : step === "finding" ? {finding: (form.querySelector('[name="finding"]:checked') || {}).value,
                              finding_reason: form.finding_reason.value}
      : {measures: form.measures.value, rectified_at: localIso(form.rectified_at.value)};
    try {
      await api("POST", `/api/v1/followups/${current.id}/${step}`, body);
      form.hidden = true;
      Staff.status($("followups-status-line"), t("saved"));
      loadPage();
    } catch (err) { Staff.showError(form, err, $("followups-status-line")); }
  }

  if ($("followups-overdue")) {
    loadOverdue();
    setInterval(loadOverdue, REFRESH_MS);
  }
  if ($("followups-page")) {
    $("followups-status").addEventListener("change", loadPage);
    $("followup-form").addEventListener("submit", save);
    $("followup-cancel").addEventListener("click", () => { $("followup-form").hidden = true; });
    loadPage();
    setInterval(() => { if ($("followup-form").hidden) loadPage(); }, REFRESH_MS);
  }
})();
