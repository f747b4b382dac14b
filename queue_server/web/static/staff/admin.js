// /admin: staff accounts (create, role, disable, reset password, unlock, last login) and devices
// (register — the token is shown once —, revoke, new token, tie an evaluator to a window).
// Everything goes through /api/v1/admin/… with the CSRF header (Staff.api).
"use strict";

(() => {
  const {t, api, el, PAGE, clearErrors, showError, status, time} = Staff;
  const $ = id => document.getElementById(id);

  function formData(form) {
    const out = {};
    for (const input of form.elements) {
      if (input.name && input.name !== "csrf_token") out[input.name] = input.value.trim();
    }
    return out;
  }

  // --- accounts ----------------------------------------------------------------------------

  function userState(u) {
    if (u.disabled) return t("adm_disabled");
    if (u.locked) return u.locked_until ? t("adm_locked", {time: time(u.locked_until)}) : t("adm_locked_forever");
    return t("adm_active");
  }

  async function changeUser(u, changes, done) {
    try {
      await api("PATCH", "/api/v1/admin/users/" + encodeURIComponent(u.username), changes);
      status($("users-status"), done || t("adm_user_saved", {user: u.username}));
    } catch (err) {
      status($("users-status"), err.message, true);
    }
    loadUsers();
  }

  function roleSelect(u) {
    const select = el("select", {"aria-label": u.username, "data-user": u.username, class: "role"},
      Object.entries(PAGE.roles).map(([code, name]) => el("option", {value: code, selected: code === u.role}, name)));
    select.addEventListener("change", () => changeUser(u, {role: select.value}));
    return select;
  }

  function userActions(u) {
    const buttons = [el("button", {type: "button", class: "small", "data-action": "reset", onclick: () => openReset(u)},
      t("adm_reset"))];
    if (u.disabled) {
      buttons.push(el("button", {type: "button", class: "small", "data-action": "enable",
        onclick: () => changeUser(u, {disabled: false})}, t("adm_enable")));
    } else if (u.username !== PAGE.me) {
      buttons.push(el("button", {type: "button", class: "small", "data-action": "disable", onclick: () => {
        if (confirm(t("adm_confirm_disable", {user: u.username}))) changeUser(u, {disabled: true});
      }}, t("adm_disable")));
    }
    if (u.locked) {
      buttons.push(el("button", {type: "button", class: "small primary", "data-action": "unlock", onclick: async () => {
        try {
          await api("POST", "/api/v1/admin/users/" + encodeURIComponent(u.username) + "/unlock", {});
          status($("users-status"), t("adm_unlocked", {user: u.username}));
        } catch (err) { status($("users-status"), err.message, true); }
        loadUsers();
      }}, t("adm_unlock")));
    }
    return el("td", {class: "buttons-cell"}, buttons);
  }

  async function loadUsers() {
    let data;
    try { data = await api("GET", "/api/v1/admin/users"); } catch (err) { status($("users-status"), err.message, true); return; }
    const body = $("users").tBodies[0];
    body.textContent = "";
    for (const u of data.users) {
      const login = u.last_login_at ? `${time(u.last_login_at)} · ${u.last_login_address || ""}` : t("adm_never");
      body.append(el("tr", {"data-user": u.username, class: u.disabled || u.locked ? "alert" : ""},
        el("td", {}, u.username, u.username === PAGE.me ? el("small", {}, " " + t("adm_you")) : null),
        el("td", {}, u.display_name),
        el("td", {}, roleSelect(u)),
        el("td", {class: "state-cell"}, userState(u)),
        el("td", {}, login),
        el("td", {class: "num"}, String(u.sessions)),
        userActions(u)));
    }
  }

  function openReset(u) {
    const form = $("reset-form");
    clearErrors(form);
    form.elements.username.value = u.username;
    form.elements.password.value = "";
    $("reset-title").textContent = t("adm_new_password", {user: u.username});
    form.hidden = false;
    form.elements.password.focus();
  }

  $("reset-cancel").addEventListener("click", () => { $("reset-form").hidden = true; });
  $("reset-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const user = form.elements.username.value;
    try {
      await api("POST", "/api/v1/admin/users/" + encodeURIComponent(user) + "/password",
        {password: form.elements.password.value});
      form.hidden = true;
      status($("users-status"), t("adm_password_reset", {user}));
      loadUsers();
    } catch (err) { showError(form, err); }
  });

  $("user-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const data = formData(form);
    data.password = form.elements.password.value;
    try {
      await api("POST", "/api/v1/admin/users", data);
      form.reset();
      status($("user-status"), t("adm_user_created", {user: data.username}));
      loadUsers();
    } catch (err) { showError(form, err, $("user-status")); }
  });

  // --- devices -----------------------------------------------------------------------------

  function showToken(device, token) {
    $("token-title").textContent = t("adm_token_once", {device: device.id});
    $("token-value").textContent = token;
    const urlRow = $("token-url-row");
    urlRow.hidden = !(device.kind === "evaluator" && device.window);
    if (!urlRow.hidden) {
      $("token-url-label").textContent = t("adm_evaluator_url");
      $("token-url").textContent = `${location.origin}/evaluate/${device.window}?token=${encodeURIComponent(token)}`;
    }
    $("token-panel").hidden = false;
    $("token-panel").scrollIntoView({block: "nearest"});
  }

  $("token-done").addEventListener("click", () => {
    $("token-panel").hidden = true;
    $("token-value").textContent = "";
    $("token-url").textContent = "";
  });

  function windowCell(d) {
    if (d.kind !== "evaluator") return el("td", {}, t("adm_no_window"));
    const select = el("select", {"aria-label": d.id, class: "window", "data-device": d.id},
      el("option", {value: ""}, t("adm_no_window")),
      PAGE.windows.map(n => el("option", {value: String(n), selected: n === d.window}, String(n))));
    select.addEventListener("change", async () => {
      try {
        await api("PATCH", "/api/v1/admin/devices/" + encodeURIComponent(d.id),
          {window: select.value ? Number(select.value) : null});
        status($("devices-status"), t("adm_device_saved", {device: d.id}));
      } catch (err) { status($("devices-status"), err.message, true); }
      loadDevices();
    });
    return el("td", {}, select);
  }

  function deviceActions(d) {
    const revoke = el("button", {type: "button", class: "small", "data-action": "revoke", onclick: async () => {
      if (!confirm(t("adm_confirm_revoke", {device: d.id}))) return;
      try {
        await api("POST", "/api/v1/admin/devices/" + encodeURIComponent(d.id) + "/revoke", {});
      } catch (err) { status($("devices-status"), err.message, true); }
      loadDevices();
    }}, t("adm_revoke"));
    const renew = el("button", {type: "button", class: "small", "data-action": "token", onclick: async () => {
      try {
        const out = await api("POST", "/api/v1/admin/devices/" + encodeURIComponent(d.id) + "/token", {});
        showToken(out, out.token);
      } catch (err) { status($("devices-status"), err.message, true); }
      loadDevices();
    }}, t("adm_new_token"));
    return el("td", {class: "buttons-cell"}, d.revoked_at ? [renew] : [revoke, renew]);
  }

  async function loadDevices() {
    let data, health = {};
    try {
      data = await api("GET", "/api/v1/admin/devices");
      for (const h of (await api("GET", "/api/v1/devices")).devices) health[h.id] = h;
    } catch (err) { status($("devices-status"), err.message, true); return; }
    const body = $("devices").tBodies[0];
    body.textContent = "";
    if (!data.devices.length) body.append(el("tr", {}, el("td", {colspan: 7, class: "muted"}, t("no_items"))));
    for (const d of data.devices) {
      const h = health[d.id];
      const state = d.revoked_at ? "—" : (h && h.online ? t("online") : (d.last_seen ? t("offline") : t("never_seen")));
      body.append(el("tr", {"data-device": d.id, class: d.revoked_at ? "revoked" : ""},
        el("td", {}, d.name, " ", el("small", {}, d.id)),
        el("td", {}, t("kind_" + d.kind)),
        windowCell(d),
        el("td", {}, d.revoked_at ? `${t("adm_revoked")} ${time(d.revoked_at)}` : t("adm_active")),
        el("td", {}, state),
        el("td", {}, time(d.last_seen)),
        deviceActions(d)));
    }
  }

  const deviceForm = $("device-form");
  const syncWindowField = () => {
    const isEvaluator = deviceForm.elements.kind.value === "evaluator";
    deviceForm.elements.window.disabled = !isEvaluator;
    if (!isEvaluator) deviceForm.elements.window.value = "";
  };
  deviceForm.elements.kind.addEventListener("change", syncWindowField);
  syncWindowField();

  deviceForm.addEventListener("submit", async ev => {
    ev.preventDefault();
    clearErrors(deviceForm);
    const data = formData(deviceForm);
    data.window = data.window ? Number(data.window) : null;
    try {
      const out = await api("POST", "/api/v1/admin/devices", data);
      deviceForm.reset();
      syncWindowField();
      status($("device-status"), "");
      showToken(out, out.token);
      loadDevices();
    } catch (err) { showError(deviceForm, err, $("device-status")); }
  });

  loadUsers();
  loadDevices();
})();
