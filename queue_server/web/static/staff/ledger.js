// Consultation ledger (annex B) on the window and guide consoles: record a consultation, list
// overdue / due today / open items, fill in the reply later. Errors show beside their field and
// nothing is lost: the form keeps what was typed until the server has saved it.
"use strict";

const Ledger = (() => {
  const {t, api, el} = Staff;
  let tab = "overdue";

  // The hall's wall clock (UTC+8, whatever the browser's zone), for datetime-local inputs.
  function localNow() {
    const d = new Date(Staff.now().getTime() + 8 * 3600 * 1000);
    const pad = n => String(n).padStart(2, "0");
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }

  // datetime-local has no zone; the hall's zone is +08:00 (Asia/Shanghai, no DST).
  function withZone(v) { return v ? (v.length === 16 ? v + ":00" : v) + "+08:00" : null; }

  function formBody(form) {
    const body = {};
    for (const input of form.querySelectorAll("input[name], textarea[name], select[name]")) {
      if (input.name === "csrf_token") continue;
      let v = input.value.trim();
      if (input.type === "datetime-local") v = withZone(v);
      if (v === "" || v === null) continue;
      body[input.name] = v;
    }
    return body;
  }

  async function save(ev) {
    ev.preventDefault();
    const form = ev.target, statusEl = document.getElementById("ledger-status");
    Staff.clearErrors(form);
    Staff.status(statusEl, "");
    try {
      const item = await api("POST", "/api/v1/ledger", formBody(form));
      let msg = t("ledger_saved", {date: item.due_date || "—"});
      if (item.due_provisional) msg += " " + t("provisional");
      Staff.status(statusEl, msg);
      for (const name of ["name", "id_number", "document_country", "phone", "email", "address", "summary", "remarks",
        "agreed_reply_date"]) {
        const input = form.querySelector(`[name="${name}"]`);
        if (input) input.value = "";
      }
      form.querySelector('[name="received_at"]').value = localNow();
      load();
    } catch (err) {
      Staff.showError(form, err, statusEl);
    }
  }

  async function load() {
    const body = document.querySelector("#ledger-list tbody");
    document.querySelectorAll("#ledger-tabs [data-status]").forEach(b => b.classList.toggle("active", b.dataset.status === tab));
    try {
      const [listed, counts] = await Promise.all([
        api("GET", "/api/v1/ledger?status=" + tab),
        Promise.all(["overdue", "due_today", "open"].map(s => api("GET", "/api/v1/ledger?status=" + s)
          .then(d => [s, (d.records || []).length]).catch(() => [s, "?"]))),
      ]);
      for (const [s, n] of counts) document.querySelector(`[data-count="${s}"]`).textContent = n;
      body.textContent = "";
      const items = listed.records || [];
      if (!items.length) body.append(el("tr", {}, el("td", {colspan: 7, class: "muted"}, t("no_items"))));
      for (const item of items) body.append(...row(item));
    } catch (err) {
      body.textContent = "";
      body.append(el("tr", {}, el("td", {colspan: 7, class: "error"}, err.message)));
    }
  }

  function row(item) {
    const tr = el("tr", {class: item.overdue ? "overdue" : "", "data-id": item.id},
      el("td", {}, Staff.time(item.received_at)),
      el("td", {}, item.name || ""),
      el("td", {class: "mono"}, documentLabel(item), item.id_number_masked || ""),
      el("td", {}, item.phone_masked || "—"),
      el("td", {class: "summary"}, item.summary || ""),
      el("td", {}, item.due_date || "—"),
      el("td", {}, el("button", {type: "button", class: "small", onclick: () => toggleReply(item, detail)}, t("reply"))));
    const detail = el("tr", {class: "reply-row", hidden: true}, el("td", {colspan: 7}));
    return [tr, detail];
  }

  // Other documents than the resident ID card are named in the list (labels from the form's
  // select, already in the reader's language).
  function documentLabel(item) {
    if (!item.document_type || item.document_type === "resident_id") return null;
    const option = document.querySelector(`#ledger-form [name="document_type"] option[value="${item.document_type}"]`);
    const country = item.document_country ? ` ${item.document_country}` : "";
    return el("small", {class: "muted"}, (option ? option.textContent : item.document_type) + country + " ");
  }

  // The issuing country belongs to passports only (the other documents say it in the number).
  function showCountry(form) {
    const passport = form.document_type.value === "passport";
    const label = form.querySelector("[data-passport-only]");
    label.hidden = !passport;
    if (!passport) label.querySelector("input").value = "";
  }

  function toggleReply(item, detail) {
    if (!detail.hidden) { detail.hidden = true; return; }
    const cell = detail.firstChild;
    cell.textContent = "";
    const form = document.getElementById("reply-template").content.firstElementChild.cloneNode(true);
    form.querySelector('[name="replied_at"]').value = localNow();
    if (item.form && form.querySelector(`[name="reply_method"] option[value="${item.form}"]`)) form.reply_method.value = item.form;
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      Staff.clearErrors(form);
      const statusEl = form.querySelector(".form-status");
      try {
        await api("PATCH", "/api/v1/ledger/" + encodeURIComponent(item.id), formBody(form));
        Staff.status(statusEl, t("saved"));
        load();
      } catch (err) { Staff.showError(form, err, statusEl); }
    });
    cell.append(form);
    detail.hidden = false;
  }

  function init() {
    const form = document.getElementById("ledger-form");
    if (!form) return;
    form.querySelector('[name="received_at"]').value = localNow();
    form.addEventListener("submit", save);
    form.document_type.addEventListener("change", () => showCountry(form));
    showCountry(form);
    document.querySelectorAll("#ledger-tabs [data-status]").forEach(b => b.addEventListener("click", () => {
      tab = b.dataset.status; load();
    }));
    load();
  }

  return {init, load};
})();
