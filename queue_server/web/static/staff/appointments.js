// Bookings (预约) page (/guide/appointments, /admin/appointments): a day's bookings per slot and
// one by one (masked), a booking for a caller, the capacity of the days ahead, and on /admin the
// import of the platform's file. Everything comes from /api/v1/appointments…; events refresh it.
"use strict";

(() => {
  const {t, api, el, serviceName, PAGE} = Staff;
  const $ = id => document.getElementById(id);
  const COUNTED = ["booked", "checked_in", "late", "no_show", "cancelled"];
  let day = PAGE.day;

  function hhmm(iso) { return iso ? iso.slice(11, 16) : "—"; }
  function shift(iso, days) {
    const d = new Date(iso + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  // Per service: its day in one line (places held of all, and each status), then its slots —
  // those with bookings, or every slot when "show empty slots" is ticked.
  async function loadDay() {
    let data;
    try { data = await api("GET", "/api/v1/appointments?day=" + encodeURIComponent(day)); }
    catch (err) { Staff.showError($("day-form"), err, $("slots-status")); return; }
    Staff.status($("slots-status"), data.working_day ? "" : t("ap_not_working_day"));
    const body = $("slot-table").tBodies[0], all = $("show-empty").checked;
    body.textContent = "";
    const counts = (sl, cls) => COUNTED.map(s => el("td",
      {class: `count ${s}${sl[s] ? "" : " zero"}`, "data-status": s}, sl[s]));
    for (const svc of data.services) {
      const total = s => svc.slots.reduce((n, sl) => n + sl[s], 0);
      const sum = Object.fromEntries(COUNTED.map(s => [s, total(s)]));
      const places = svc.slots.reduce((n, sl) => n + sl.capacity, 0);
      body.append(el("tr", {class: "service-row", "data-service": svc.code},
        el("th", {colspan: 2}, serviceName(svc.code)),
        el("td", {class: "count"}, `${sum.booked + sum.checked_in + sum.late} / ${places}`),
        counts(sum)));
      for (const sl of svc.slots) {
        const held = sl.booked + sl.checked_in + sl.late;
        if (!all && !held && !sl.no_show && !sl.cancelled) continue;
        body.append(el("tr", {"data-service": svc.code, "data-slot": sl.label},
          el("td", {}, ""), el("td", {class: "num"}, sl.label),
          el("td", {class: "count" + (held >= sl.capacity ? " full" : "")},
            `${held} / ${sl.capacity}`),
          counts(sl)));
      }
    }
    if (!data.services.length) {
      body.append(el("tr", {}, el("td", {colspan: 8, class: "muted"}, t("ap_no_slots"))));
    }
    renderBookings(data.bookings);
  }

  function renderBookings(list) {
    const body = $("booking-table").tBodies[0];
    body.textContent = "";
    if (!list.length) {
      body.append(el("tr", {}, el("td", {colspan: 9, class: "muted"}, t("ap_nothing"))));
    }
    for (const b of list) {
      const cancel = b.status !== "booked" ? "" : el("button",
        {type: "button", class: "small", onclick: () => cancelBooking(b)}, t("ap_cancel"));
      body.append(el("tr", {class: "st-" + b.status, "data-code": b.code},
        el("td", {class: "num"}, hhmm(b.slot_start) + "–" + hhmm(b.slot_end)),
        el("td", {}, serviceName(b.service)), el("td", {class: "code"}, b.code),
        el("td", {}, b.name_masked || "—"), el("td", {}, b.id_masked),
        el("td", {}, b.phone_masked), el("td", {}, t("src_" + b.source)),
        el("td", {}, el("span", {class: "badge st-" + b.status}, t("ap_" + b.status))),
        el("td", {}, cancel)));
    }
  }

  async function cancelBooking(b) {
    if (!confirm(t("ap_confirm_cancel", {code: b.code, time: hhmm(b.slot_start)}))) return;
    try {
      await api("POST", `/api/v1/appointments/${encodeURIComponent(b.id)}/cancel`, {by: "citizen"});
      Staff.status($("bookings-status"), t("ap_cancelled_ok", {code: b.code}));
      refresh();
    } catch (err) { Staff.status($("bookings-status"), err.message, true); }
  }

  async function loadCapacity() {
    let data;
    try { data = await api("GET", "/api/v1/appointments/capacity"); } catch (err) { return; }
    const codes = [...new Set(data.days.flatMap(d => d.services.map(s => s.service)))];
    const table = $("capacity-table");
    table.tHead.textContent = "";
    table.tHead.append(el("tr", {}, el("th", {}, t("ap_day")),
      codes.map(c => el("th", {}, serviceName(c)))));
    const body = table.tBodies[0];
    body.textContent = "";
    for (const d of data.days) {
      const by = Object.fromEntries(d.services.map(s => [s.service, s]));
      body.append(el("tr", {"data-day": d.day}, el("td", {class: "num"}, d.day),
        codes.map(c => el("td", {class: by[c] && by[c].booked >= by[c].capacity ? "full" : ""},
          by[c] ? `${by[c].booked} / ${by[c].capacity}` : "—"))));
    }
    const select = $("book-day"), chosen = select.value;
    select.textContent = "";
    for (const d of data.days) select.append(el("option", {value: d.day}, d.day));
    if (chosen && data.days.some(d => d.day === chosen)) select.value = chosen;
    loadSlots();
  }

  async function loadSlots() {
    const select = $("book-slot"), service = $("book-service").value, d = $("book-day").value;
    const chosen = select.value;
    select.textContent = "";
    if (!d) return;
    let data;
    try {
      const query = `service=${encodeURIComponent(service)}&day=${encodeURIComponent(d)}`;
      data = await api("GET", "/api/v1/appointments/slots?" + query);
    } catch (err) { Staff.status($("book-status"), err.message, true); return; }
    for (const sl of data.slots) {
      select.append(el("option", {value: sl.start, disabled: sl.left <= 0},
        `${sl.label}（${sl.left > 0 ? t("ap_left", {left: sl.left}) : t("ap_full")}）`));
    }
    if (!data.slots.length) select.append(el("option", {value: ""}, t("ap_no_slots")));
    if (chosen) select.value = chosen;
    if (!select.value || select.selectedOptions[0].disabled) {
      const free = [...select.options].find(o => !o.disabled);
      if (free) select.value = free.value;
    }
  }

  $("book-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const form = ev.target;
    Staff.clearErrors(form);
    Staff.status($("book-status"), "");
    const body = {service: form.service.value, slot_start: form.slot_start.value,
      id_number: form.id_number.value.trim(), name: form.name.value.trim(),
      phone: form.phone.value.trim()};
    try {
      const b = await api("POST", "/api/v1/appointments", body);
      Staff.status($("book-status"),
        t("ap_booked_ok", {code: b.code, day: b.day, time: hhmm(b.slot_start)}));
      form.id_number.value = form.name.value = form.phone.value = "";
      refresh();
    } catch (err) { Staff.showError(form, err, $("book-status")); }
  });
  $("book-service").addEventListener("change", loadSlots);
  $("book-day").addEventListener("change", loadSlots);

  function setDay(value) {
    if (!value) return;
    day = value;
    $("day").value = value;
    history.replaceState(null, "", "?day=" + value);
    loadDay();
  }
  $("day").addEventListener("change", ev => setDay(ev.target.value));
  $("day-prev").addEventListener("click", () => setDay(shift(day, -1)));
  $("day-next").addEventListener("click", () => setDay(shift(day, 1)));
  $("day-today").addEventListener("click", () => setDay(PAGE.today));
  $("day-form").addEventListener("submit", ev => { ev.preventDefault(); setDay($("day").value); });
  $("show-empty").addEventListener("change", loadDay);

  // The import: the file is sent as base64 inside JSON (the API takes JSON only).
  function base64(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  const importForm = $("import-form");
  if (importForm) {
    importForm.addEventListener("submit", async ev => {
      ev.preventDefault();
      Staff.clearErrors(importForm);
      const file = $("import-file").files[0];
      const errors = $("import-errors"), box = $("import-errors-box");
      box.hidden = true;
      if (!file) { Staff.status($("import-status"), t("ap_choose_file"), true); return; }
      Staff.status($("import-status"), "");
      try {
        const r = await api("POST", "/api/v1/appointments/import",
          {file_name: file.name, content: base64(await file.arrayBuffer())});
        Staff.status($("import-status"), t("ap_imported",
          {imported: r.imported, duplicates: r.duplicates, errors: r.errors.length}),
          r.errors.length > 0);
        const body = errors.tBodies[0];
        body.textContent = "";
        for (const e of r.errors) {
          body.append(el("tr", {}, el("td", {class: "num"}, e.line), el("td", {}, e.external_id),
            el("td", {}, e.message)));
        }
        box.hidden = !r.errors.length;
        refresh();
      } catch (err) { Staff.showError(importForm, err, $("import-status")); }
    });
  }

  function refresh() { loadDay(); loadCapacity(); }
  const later = Staff.debounce(refresh, 300);
  Staff.follow(ev => {
    const type = (ev && ev.type) || "";
    if (type.startsWith("appointment.") || ["day.closed", "config.reloaded"].includes(type)) later();
  }, refresh);
  refresh();
})();
