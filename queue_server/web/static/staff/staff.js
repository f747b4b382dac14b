// Shared helpers of the staff consoles: texts, JSON API calls with the CSRF header, field
// errors, the live event stream and the server clock. No libraries, nothing from the internet.
"use strict";

const Staff = (() => {
  const TEXT = JSON.parse(document.getElementById("i18n").textContent);
  const meta = document.querySelector('meta[name="csrf-token"]');
  const CSRF = meta ? meta.content : "";
  const dataEl = document.getElementById("page-data");
  const PAGE = dataEl ? JSON.parse(dataEl.textContent) : {};
  let clockOffset = 0; // server time − browser time, so waits follow the server's clock
  const nowMeta = document.querySelector('meta[name="server-now"]');
  if (nowMeta && nowMeta.content) clockOffset = new Date(nowMeta.content).getTime() - Date.now();

  function t(key, params) {
    let s = TEXT[key] || key;
    for (const [k, v] of Object.entries(params || {})) s = s.split("{" + k + "}").join(String(v));
    return s;
  }

  class ApiError extends Error {
    constructor(status, body) {
      const e = (body && body.error) || {};
      super(e.message || t("error"));
      this.status = status; this.code = e.code || ""; this.field = e.field || null;
    }
  }

  // JSON API call. Staff pages send the session cookie and X-CSRF-Token; the evaluator passes
  // {token} to send its device token instead.
  async function api(method, path, body, opts) {
    const headers = {"Accept": "application/json"};
    if (opts && opts.token) headers["Authorization"] = "Bearer " + opts.token;
    else if (CSRF) headers["X-CSRF-Token"] = CSRF;
    const init = {method, headers, credentials: "same-origin"};
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body || {});
    }
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (err) {
      throw new ApiError(0, {error: {message: t("connection_lost")}});
    }
    if (resp.status === 401 && !(opts && opts.token)) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
      throw new ApiError(401, null);
    }
    if (resp.status === 204) return null;
    let data = null;
    try { data = await resp.json(); } catch (err) { data = null; }
    if (!resp.ok) throw new ApiError(resp.status, data);
    return data;
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(el => { el.textContent = ""; });
    form.querySelectorAll(".invalid").forEach(el => el.classList.remove("invalid"));
  }

  // Show an API error next to its field (error.field) or in the form's status line.
  function showError(form, err, statusEl) {
    const slot = err.field && form.querySelector(`[data-error-for="${CSS.escape(err.field)}"]`);
    if (slot) {
      slot.textContent = err.message;
      const input = form.querySelector(`[name="${CSS.escape(err.field)}"]`);
      if (input) { input.classList.add("invalid"); input.focus(); }
    } else if (statusEl) {
      statusEl.textContent = err.message;
      statusEl.classList.add("error");
    } else {
      banner(err.message);
    }
  }

  function status(el, text, isError) {
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("error", !!isError);
  }

  let bannerTimer = null;
  function banner(text, sticky) {
    const el = document.getElementById("banner");
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
    clearTimeout(bannerTimer);
    if (text && !sticky) bannerTimer = setTimeout(() => { el.hidden = true; }, 8000);
  }

  function now() { return new Date(Date.now() + clockOffset); }

  function setServerNow(iso) {
    if (iso) clockOffset = new Date(iso).getTime() - Date.now();
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    const m = Math.floor(seconds / 60), s = seconds % 60;
    if (m >= 60) return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
    return `${m}:${String(s).padStart(2, "0")}`;
  }

  function since(iso) { return iso ? duration((now() - new Date(iso)) / 1000) : "—"; }

  function time(iso) {
    if (!iso) return "—";
    return iso.replace("T", " ").slice(0, 16);
  }

  // A service of the page's list (PAGE.services) as the consoles show it: "B · 养老保险".
  const SERVICES = Object.fromEntries((PAGE.services || []).map(s => [s.code, s]));
  // A name given per language (an API answer's service or item): the page's, else Chinese, as
  // queue_server.core.languages.local_name does on the server.
  const LANG = document.documentElement.lang === "zh-CN" ? "zh_CN" : document.documentElement.lang;
  function localName(names) { return (names && (names[LANG] || names.zh_CN)) || ""; }

  function serviceName(code) {
    const s = SERVICES[code];
    return s ? `${s.prefix} · ${s.name}` : code;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  // Follow the hall's events from the current snapshot. The page reconnects by itself (the
  // browser's own EventSource retry gives up for good after a 503 "too many streams"), from the
  // last event it saw, and reloads its state (onChange) after any gap so nothing is missed.
  // Every type the server declares (queue_server/core/events.py), served with the page.
  const EVENT_TYPES = JSON.parse(document.getElementById("event-types").textContent);

  async function follow(onEvent, onChange) {
    let last = 0, lost = false, delay = 1000;
    try {
      const snap = await api("GET", "/api/v1/display/state");
      last = snap.last_event_id; setServerNow(snap.now);
    } catch (err) { /* the stream starts from "now" then */ }
    function connect() {
      const src = new EventSource("/api/v1/events" + (last ? "?last_event_id=" + last : ""));
      src.onopen = () => {
        delay = 1000;
        if (lost) { banner(""); onChange && onChange(); }
        lost = false;
      };
      src.onerror = () => {
        src.close();
        lost = true;
        banner(t("connection_lost"), true);
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
      src.onmessage = () => {};
      for (const type of EVENT_TYPES) {
        src.addEventListener(type, ev => {
          let data = null;
          try { data = JSON.parse(ev.data); } catch (err) { return; }
          if (data && data.id) last = Math.max(last, data.id);
          onEvent(data);
        });
      }
    }
    connect();
  }

  // Coalesce bursts of events into one refresh.
  function debounce(fn, ms) {
    let timer = null;
    return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  // Annex A.1 phrases by situation (GET /api/v1/phrases), shown on both consoles.
  async function loadPhrases() {
    const body = document.getElementById("phrases-body");
    let data;
    try { data = await api("GET", "/api/v1/phrases"); } catch (err) { if (body) body.textContent = err.message; return null; }
    if (body) {
      body.textContent = "";
      for (const group of data.polite || []) {
        body.append(el("details", {open: group.situation === "first_question" ? true : null, "data-situation": group.situation},
          el("summary", {}, group.name || group.situation),
          el("ul", {}, (group.phrases || []).map(p => el("li", {}, p)))));
      }
    }
    return data;
  }

  function fillTexts(root) {
    (root || document).querySelectorAll("[data-t]").forEach(n => { n.textContent = t(n.dataset.t); });
  }

  fillTexts();
  return {t, api, ApiError, clearErrors, showError, status, banner, now, setServerNow, duration, since, time,
    el, serviceName, localName, follow, debounce, loadPhrases, fillTexts, PAGE, CSRF};
})();
