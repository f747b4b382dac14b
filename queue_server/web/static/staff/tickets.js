// Ticket desk card (guide and window consoles): find today's ticket by its number, cancel it
// (the citizen left) or print it again at the guide desk (paper jam) — always with a reason.
"use strict";

(() => {
  const {t, api} = Staff;
  const $ = id => document.getElementById(id);
  if (!$("ticket-find")) return;
  const statusEl = $("ticket-desk-status");
  let found = null;

  function show(ticket) {
    found = ticket;
    $("ticket-found").hidden = !ticket;
    if (!ticket) return;
    $("found-number").textContent = ticket.number;
    const svc = (Staff.PAGE.services || []).find(s => s.code === ticket.service);
    $("found-service").textContent = svc ? svc.name : ticket.service;
    $("found-status").textContent = t("st_" + ticket.status);
    const open = ["waiting", "called"].includes(ticket.status);
    $("ticket-cancel-btn").disabled = !open;
  }

  $("ticket-find").addEventListener("submit", async ev => {
    ev.preventDefault();
    const form = ev.target;
    Staff.clearErrors(form);
    Staff.status(statusEl, "");
    try {
      const data = await api("GET", "/api/v1/tickets?number=" + encodeURIComponent($("ticket-number").value.trim()));
      show(data.tickets[0]);
    } catch (err) { show(null); Staff.showError(form, err, statusEl); }
  });

  $("ticket-cancel").addEventListener("submit", async ev => {
    ev.preventDefault();
    if (!found) return;
    const form = ev.target;
    Staff.clearErrors(form);
    try {
      const ticket = await api("POST", `/api/v1/tickets/${encodeURIComponent(found.id)}/cancel`, {reason: form.reason.value});
      show(ticket);
      Staff.status(statusEl, t("ticket_cancelled", {number: ticket.number}));
    } catch (err) { Staff.showError(form, err, statusEl); }
  });

  $("ticket-reprint").addEventListener("submit", async ev => {
    ev.preventDefault();
    if (!found) return;
    const form = ev.target;
    Staff.clearErrors(form);
    try {
      const data = await api("POST", `/api/v1/tickets/${encodeURIComponent(found.id)}/reprint`, {reason: form.reason.value});
      show(data.ticket);
      Staff.status(statusEl, t("ticket_reprinted", {number: data.ticket.number}));
    } catch (err) { Staff.showError(form, err, statusEl); }
  });
})();
